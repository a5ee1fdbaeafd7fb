#include "engine/text/EmbeddedClipBpe.h"

// The assembler copies the file in (.incbin); core/engine/CMakeLists.txt passes its absolute
// path, keeps this file out of unity batches and rebuilds it when the file changes.
#ifndef MD_CLIP_BPE_GZ_PATH
#error "MD_CLIP_BPE_GZ_PATH must name resources/clip/bpe_simple_vocab_16e6.txt.gz"
#endif

asm(".pushsection .rodata\n"
    ".balign 16\n"
    ".globl md_clip_bpe_gz_begin\n"
    ".hidden md_clip_bpe_gz_begin\n"
    "md_clip_bpe_gz_begin:\n"
    ".incbin \"" MD_CLIP_BPE_GZ_PATH "\"\n"
    ".globl md_clip_bpe_gz_end\n"
    ".hidden md_clip_bpe_gz_end\n"
    "md_clip_bpe_gz_end:\n"
    ".byte 0\n" // keeps the end label inside the section
    ".popsection\n");

extern "C" {
__attribute__((visibility("hidden"))) extern const char md_clip_bpe_gz_begin[];
__attribute__((visibility("hidden"))) extern const char md_clip_bpe_gz_end[];
}

namespace md {

std::string_view embeddedClipBpeGz()
{
    return std::string_view(md_clip_bpe_gz_begin,
                            std::size_t(md_clip_bpe_gz_end - md_clip_bpe_gz_begin));
}

} // namespace md

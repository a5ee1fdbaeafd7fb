#pragma once

// Finds and loads libmd_spm_shim.so (sentencepiece behind a C interface; see
// SentencePieceShimApi.h for why it is loaded at run time and kept out of the global symbol
// scope). It is looked for, in order, at:
//   $MD_SPM_SHIM (a full path), then next to the running program, in <program dir>/../bin,
//   <program dir>/../lib/mdstudio and <program dir>/../lib, then by the system's own search
//   (LD_LIBRARY_PATH, the program's RUNPATH, ld.so.cache).

#include "engine/Status.h"
#include "engine/text/SentencePieceShimApi.h"

#include <string>

namespace md {

class SentencePieceLibrary
{
public:
    // The shim, loaded once per process (thread-safe); an error names the places tried.
    static Result<const SentencePieceLibrary*> get();

    std::string path; // the file that was loaded
    MdSpmLoadFn load = nullptr;
    MdSpmFreeFn free = nullptr;
    MdSpmInfoFn info = nullptr;
    MdSpmEncodeFn encode = nullptr;
    MdSpmDecodeFn decode = nullptr;
    MdSpmPieceToIdFn pieceToId = nullptr;
    MdSpmIdToPieceFn idToPiece = nullptr;
    MdSpmTrainFn train = nullptr;

    // Helpers for the sinks: append to a std::string / std::vector<int> passed as context.
    static void appendBytes(void* context, const char* bytes, std::size_t size);
    static void appendIds(void* context, const int* ids, std::size_t count);

private:
    static Result<const SentencePieceLibrary*> open();
};

} // namespace md

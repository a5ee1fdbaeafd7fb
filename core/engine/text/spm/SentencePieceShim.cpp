// libmd_spm_shim.so: sentencepiece behind a plain C interface (../SentencePieceShimApi.h).
// No exception leaves these functions; results go out through the caller's sinks.

#include "engine/text/SentencePieceShimApi.h"

#include <sentencepiece_processor.h>
#ifdef MD_SPM_WITH_TRAINER
#include <sentencepiece_trainer.h>
#endif

#include <memory>
#include <string>
#include <vector>

#define MD_SPM_EXPORT __attribute__((visibility("default")))

namespace {

using Processor = sentencepiece::SentencePieceProcessor;

const Processor* processor(const void* model)
{
    return static_cast<const Processor*>(model);
}

void report(MdSpmByteSink sink, void* context, const std::string& message)
{
    if (sink)
        sink(context, message.data(), message.size());
}

} // namespace

extern "C" {

MD_SPM_EXPORT int md_spm_abi()
{
    return MD_SPM_SHIM_ABI;
}

MD_SPM_EXPORT void* md_spm_load(const char* bytes, std::size_t size, MdSpmByteSink error,
                                void* errorContext)
{
    try {
        auto model = std::make_unique<Processor>();
        const auto status = model->LoadFromSerializedProto(std::string(bytes, size));
        if (!status.ok()) {
            report(error, errorContext, status.ToString());
            return nullptr;
        }
        return model.release();
    } catch (const std::exception& e) {
        report(error, errorContext, e.what());
    } catch (...) {
        report(error, errorContext, "unknown error");
    }
    return nullptr;
}

MD_SPM_EXPORT void md_spm_free(void* model)
{
    delete static_cast<Processor*>(model);
}

MD_SPM_EXPORT void md_spm_info(const void* model, MdSpmInfo* info)
{
    const Processor* p = processor(model);
    info->vocabSize = p->GetPieceSize();
    info->unkId = p->unk_id();
    info->bosId = p->bos_id();
    info->eosId = p->eos_id();
    info->padId = p->pad_id();
}

MD_SPM_EXPORT int md_spm_encode(const void* model, const char* text, std::size_t size,
                                MdSpmIdSink sink, void* context)
{
    try {
        std::vector<int> ids;
        if (!processor(model)->Encode(std::string(text, size), &ids).ok())
            return 1;
        sink(context, ids.data(), ids.size());
        return 0;
    } catch (...) {
        return 1;
    }
}

MD_SPM_EXPORT int md_spm_decode(const void* model, const int* ids, std::size_t count,
                                MdSpmByteSink sink, void* context)
{
    try {
        std::string text;
        if (!processor(model)->Decode(std::vector<int>(ids, ids + count), &text).ok())
            return 1;
        sink(context, text.data(), text.size());
        return 0;
    } catch (...) {
        return 1;
    }
}

MD_SPM_EXPORT int md_spm_piece_to_id(const void* model, const char* piece, std::size_t size)
{
    try {
        const Processor* p = processor(model);
        const std::string text(piece, size);
        const int id = p->PieceToId(text);
        if (id < 0 || id >= p->GetPieceSize() || p->IdToPiece(id) != text)
            return -1; // PieceToId answers unk_id for unknown pieces
        return id;
    } catch (...) {
        return -1;
    }
}

MD_SPM_EXPORT int md_spm_id_to_piece(const void* model, int id, MdSpmByteSink sink, void* context)
{
    try {
        const Processor* p = processor(model);
        if (id < 0 || id >= p->GetPieceSize())
            return 1;
        const std::string& piece = p->IdToPiece(id);
        sink(context, piece.data(), piece.size());
        return 0;
    } catch (...) {
        return 1;
    }
}

MD_SPM_EXPORT int md_spm_train(const char* args, MdSpmByteSink error, void* errorContext)
{
#ifdef MD_SPM_WITH_TRAINER
    try {
        const auto status = sentencepiece::SentencePieceTrainer::Train(args);
        if (!status.ok()) {
            report(error, errorContext, status.ToString());
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        report(error, errorContext, e.what());
    } catch (...) {
        report(error, errorContext, "unknown error");
    }
    return 1;
#else
    report(error, errorContext,
           "this build has no sentencepiece trainer (libsentencepiece_train was not found)");
    return 2;
#endif
}

} // extern "C"

#pragma once

// The C interface of libmd_spm_shim.so (text/spm/SentencePieceShim.cpp), the one place
// that links libsentencepiece.
//
// Why a separate module: Debian's libsentencepiece carries its own copy of protobuf-lite
// and exports those symbols. In the global symbol scope of a process that also loads
// libtorch's libprotobuf.so, the two copies interpose each other and the program crashes
// before main() (or when a model is parsed). So the engine never links libsentencepiece;
// SentencePieceLibrary dlopen()s this shim with RTLD_LOCAL | RTLD_DEEPBIND, which keeps
// sentencepiece and its protobuf to themselves. Only plain C types cross the boundary.

#include <cstddef>

extern "C" {

// Bumped whenever a signature below changes; the loader refuses another version.
#define MD_SPM_SHIM_ABI 1

struct MdSpmInfo
{
    int vocabSize;
    int unkId; // -1 when the model has none (ids outside [0, vocabSize) mean "none")
    int bosId;
    int eosId;
    int padId;
};

// Receives a result; `data` is valid only during the call.
typedef void (*MdSpmIdSink)(void* context, const int* ids, std::size_t count);
typedef void (*MdSpmByteSink)(void* context, const char* bytes, std::size_t size);

typedef int (*MdSpmAbiFn)();
// A model from the bytes of a .model file; null on failure (message through `error`).
typedef void* (*MdSpmLoadFn)(const char* bytes, std::size_t size, MdSpmByteSink error,
                             void* errorContext);
typedef void (*MdSpmFreeFn)(void* model);
typedef void (*MdSpmInfoFn)(const void* model, MdSpmInfo* info);
// 0 on success, the ids through `sink`.
typedef int (*MdSpmEncodeFn)(const void* model, const char* text, std::size_t size,
                             MdSpmIdSink sink, void* context);
// 0 on success, the text through `sink`.
typedef int (*MdSpmDecodeFn)(const void* model, const int* ids, std::size_t count,
                             MdSpmByteSink sink, void* context);
// The id of a piece, or -1 when the model does not have it.
typedef int (*MdSpmPieceToIdFn)(const void* model, const char* piece, std::size_t size);
// 0 on success, the piece text through `sink`.
typedef int (*MdSpmIdToPieceFn)(const void* model, int id, MdSpmByteSink sink, void* context);
// sentencepiece's trainer with spm_train's command-line flags; 0 on success. Returns 2
// (and says so through `error`) when the shim was built without the trainer library.
typedef int (*MdSpmTrainFn)(const char* args, MdSpmByteSink error, void* errorContext);
}

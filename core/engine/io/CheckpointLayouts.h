#pragma once

// The two checkpoint layouts behind loadCheckpoint(), and what they share. Internal to io/.

#include "engine/Status.h"
#include "engine/io/Checkpoint.h"

#include <string>

namespace md {

Result<Checkpoint> loadDiffusersFolder(const std::string& dir, const CheckpointOptions& options);
Result<Checkpoint> loadSingleFileCheckpoint(const std::string& path,
                                            const CheckpointOptions& options);

// Shared steps: the family from the text encoder and context width, head-count overrides,
// the stored dtype summary ("F16", or "F16+F32" when mixed).
ModelFamily familyOf(const ModelConfig& config);
// The family to report once the tokenizer and the file's own marker are known: a model that
// names itself as one of ours (`_md_model` in a folder's configs, `md_model` in a single
// file's metadata) is Embedded; any other model with a sentencepiece tokenizer is a custom
// SD-shaped model (no released SD 1.x / 2.x model has one), whatever its layers look like.
// The architectural family (familyOf) still decides the prediction-type rules.
ModelFamily reportedFamily(ModelFamily architecture, TokenizerFiles::Kind tokenizer,
                           bool embeddedMarker);
Status applyHeadOverrides(ModelConfig& config, const CheckpointOptions& options);
std::string storedDtypeSummary(const Checkpoint& checkpoint);

// Small path helpers (POSIX paths).
bool isDirectory(const std::string& path);
bool isRegularFile(const std::string& path);
std::string joinPath(const std::string& a, const std::string& b);
std::string parentPath(const std::string& path);
std::string fileName(const std::string& path);
std::string fileStem(const std::string& path); // "a/b/model.fp16.safetensors" -> "model.fp16"

} // namespace md

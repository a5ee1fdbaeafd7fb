#pragma once

// Synthetic models written to disk in both layouts, for the tests of this folder.

#include "engine/common/SyntheticModel.h"
#include "engine/io/Checkpoint.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace md::test {

struct WrittenModel
{
    SyntheticModel model;
    std::string folder;     // <tmp>/<name>-folder: a diffusers folder
    std::string singleDir;  // <tmp>/<name>-single: holds the file and a tokenizer/ folder
    std::string singleFile; // <singleDir>/model.safetensors (no configs anywhere near it)
};

// Writes `spec` as a folder and as a single file under fresh temp paths named after
// spec.name + tag.
WrittenModel writeModel(const SyntheticModelSpec& spec, const std::string& tag = "");

// loadCheckpoint, throwing std::runtime_error with the loader's message on failure.
Checkpoint loadOrThrow(const std::string& path, const CheckpointOptions& options = {});

// The architectures under test, by name ("sd1-style", "sd1-small", "sd2-style", "sd2-tiny").
std::vector<std::string> specNames();
// A specNames() entry as a GoogleTest parameter name ('-' becomes '_').
std::string specParamName(const ::testing::TestParamInfo<std::string>& info);
SyntheticModelSpec specByName(const std::string& name);

} // namespace md::test

#pragma once

// The engine's value types that travel through queued signals between threads.

#include "engine/EngineTypes.h"
#include "engine/GenerationEstimate.h"

#include <QMetaType>

Q_DECLARE_METATYPE(md::RgbImage)
Q_DECLARE_METATYPE(md::ModelOptions)
Q_DECLARE_METATYPE(md::ModelInfo)
Q_DECLARE_METATYPE(md::Progress)
Q_DECLARE_METATYPE(md::GenerationEstimate)

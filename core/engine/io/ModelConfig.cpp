#include "engine/io/ModelConfig.h"

namespace md {

std::string familyName(ModelFamily family)
{
    switch (family) {
    case ModelFamily::SD1:
        return "SD 1.x";
    case ModelFamily::SD2:
        return "SD 2.x";
    case ModelFamily::SDXL:
        return "SDXL";
    case ModelFamily::Embedded:
        return "embedded (SD-shaped, sentencepiece tokenizer)";
    case ModelFamily::Unknown:
        break;
    }
    return "custom SD-shaped";
}

} // namespace md

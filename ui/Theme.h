#pragma once

// The app's look: Fusion with a dark, neutral palette (images read best on grey) or a light
// one, and a short style sheet for section titles, hints and the Generate button. Sliders
// jump to a click on their groove (as in Krita) instead of moving one page.

#include "ui/Settings.h"

class QApplication;

namespace md {

void applyTheme(QApplication& app, ThemeChoice theme = ThemeChoice::Dark);

} // namespace md

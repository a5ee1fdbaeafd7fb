#pragma once

// The app's look: Fusion with a dark, neutral palette (images read best on grey) and a
// short style sheet for section titles, hints and the Generate button.

class QApplication;

namespace md {

void applyTheme(QApplication& app);

} // namespace md

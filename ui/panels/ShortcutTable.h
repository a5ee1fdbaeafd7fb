#pragma once

// The keyboard shortcuts as an HTML table, read from the menus themselves (so the list
// never drifts from the keys), followed by the canvas's mouse and key gestures. The help
// dialog and the preferences dialog show it.

#include <QList>
#include <QString>

class QMenu;

namespace md {

QString shortcutTableHtml(const QList<QMenu*>& menus);

} // namespace md

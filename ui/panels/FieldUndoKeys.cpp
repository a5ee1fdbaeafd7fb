#include "ui/panels/FieldUndoKeys.h"

#include <QKeyEvent>

namespace md {

FieldUndoKeys::FieldUndoKeys(QObject* field) : QObject(field)
{
    field->installEventFilter(this);
}

FieldUndoKeys::Action FieldUndoKeys::actionFor(const QKeyEvent* event)
{
    const Qt::KeyboardModifiers mods =
        event->modifiers() &
        (Qt::ControlModifier | Qt::ShiftModifier | Qt::AltModifier | Qt::MetaModifier);
    if (event->key() == Qt::Key_Z && mods == Qt::ControlModifier)
        return Action::Undo;
    if ((event->key() == Qt::Key_Z && mods == (Qt::ControlModifier | Qt::ShiftModifier)) ||
        (event->key() == Qt::Key_Y && mods == Qt::ControlModifier))
        return Action::Redo;
    if (event->matches(QKeySequence::Undo))
        return Action::Undo;
    if (event->matches(QKeySequence::Redo))
        return Action::Redo;
    return Action::None;
}

bool FieldUndoKeys::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() != QEvent::ShortcutOverride && event->type() != QEvent::KeyPress)
        return false;
    auto* key = static_cast<QKeyEvent*>(event);
    const Action action = actionFor(key);
    if (action == Action::None)
        return false;
    if (event->type() == QEvent::ShortcutOverride) {
        key->accept(); // the field takes the key: no window shortcut fires
        return true;
    }
    QMetaObject::invokeMethod(watched, action == Action::Undo ? "undo" : "redo");
    return true;
}

} // namespace md

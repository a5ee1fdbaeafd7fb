#pragma once

// Gives a text field its own undo keys while it has focus, on every platform: Ctrl+Z undoes
// and Ctrl+Shift+Z / Ctrl+Y redo the field's typing instead of triggering the window's
// Undo / Redo actions (which would undo a paint stroke while the user types). The field's
// changes still reach the document through its usual signals, as undoable commands.
// Install on a QLineEdit or QPlainTextEdit (anything with undo() and redo() slots).

#include <QObject>

class QKeyEvent;

namespace md {

class FieldUndoKeys : public QObject
{
    Q_OBJECT
public:
    explicit FieldUndoKeys(QObject* field);

    enum class Action { None, Undo, Redo };
    static Action actionFor(const QKeyEvent* event);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
};

} // namespace md

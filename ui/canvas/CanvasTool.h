#pragma once

// A tool that edits the document through the canvas: the canvas hands it mouse events in
// canvas coordinates and lets it draw its feedback (brush outline, box handles) on top.

#include <QCursor>
#include <QObject>
#include <QPointF>

class QPainter;

namespace md {

class CanvasView;
class DocumentController;

struct CanvasMouse
{
    QPointF pos;       // canvas pixels (may lie outside the canvas)
    QPointF widgetPos; // widget pixels
    Qt::MouseButton button = Qt::NoButton;
    Qt::MouseButtons buttons;
    Qt::KeyboardModifiers modifiers;
    float pressure = 1.f; // a tablet pen's pressure in (0, 1]; the mouse presses fully
};

class CanvasTool : public QObject
{
    Q_OBJECT
public:
    CanvasTool(DocumentController* document, QObject* parent = nullptr);

    void setView(CanvasView* view) { m_view = view; }

    virtual void press(const CanvasMouse& event) = 0;
    virtual void move(const CanvasMouse& event) = 0; // also hover, with no buttons down
    virtual void release(const CanvasMouse& event) = 0;
    virtual void leave() {}
    // Feedback in widget coordinates, drawn last.
    virtual void paintOverlay(QPainter& painter) {}
    virtual QCursor cursor() const { return Qt::CrossCursor; }

Q_SIGNALS:
    void overlayChanged();             // repaint the feedback
    void cursorChanged();              // cursor() changed
    void message(const QString& text); // a hint for the status bar

protected:
    DocumentController* document() const { return m_document; }
    CanvasView* view() const { return m_view; }

private:
    DocumentController* m_document;
    CanvasView* m_view = nullptr;
};

} // namespace md

#include "ui/Theme.h"

#include <QApplication>
#include <QPalette>
#include <QProxyStyle>
#include <QStyleFactory>

namespace md {

namespace {

// Fusion, with a click on a slider's groove setting the value under the mouse.
class StudioStyle : public QProxyStyle
{
public:
    StudioStyle() : QProxyStyle(QStyleFactory::create("Fusion")) {}

    int styleHint(StyleHint hint, const QStyleOption* option, const QWidget* widget,
                  QStyleHintReturn* returnData) const override
    {
        if (hint == SH_Slider_AbsoluteSetButtons)
            return Qt::LeftButton | Qt::MiddleButton;
        if (hint == SH_Slider_PageSetButtons)
            return Qt::NoButton;
        return QProxyStyle::styleHint(hint, option, widget, returnData);
    }
};

// The colours a theme chooses; the palette roles follow from them.
struct ThemeColours
{
    QColor window, base, text, toolTip, placeholder, button, accent, mid, dark, light, disabled;
};

QPalette makePalette(const ThemeColours& c)
{
    QPalette p;
    p.setColor(QPalette::Window, c.window);
    p.setColor(QPalette::WindowText, c.text);
    p.setColor(QPalette::Base, c.base);
    p.setColor(QPalette::AlternateBase, c.window);
    p.setColor(QPalette::ToolTipBase, c.toolTip);
    p.setColor(QPalette::ToolTipText, c.text);
    p.setColor(QPalette::PlaceholderText, c.placeholder);
    p.setColor(QPalette::Text, c.text);
    p.setColor(QPalette::Button, c.button);
    p.setColor(QPalette::ButtonText, c.text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Highlight, c.accent);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, c.accent.lighter(120));
    p.setColor(QPalette::Mid, c.mid);
    p.setColor(QPalette::Dark, c.dark);
    p.setColor(QPalette::Light, c.light);
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, c.disabled);
    return p;
}

} // namespace

void applyTheme(QApplication& app, ThemeChoice theme)
{
    app.setStyle(new StudioStyle);
    if (theme == ThemeChoice::Light) {
        app.setPalette(
            makePalette({QColor(236, 237, 239), QColor(250, 250, 251), QColor(30, 32, 36),
                         QColor(255, 255, 240), QColor(130, 133, 139), QColor(225, 227, 230),
                         QColor(61, 123, 224), QColor(190, 192, 196), QColor(160, 162, 166),
                         QColor(248, 248, 250), QColor(150, 153, 158)}));
        app.setStyleSheet(R"(
        QLabel#section { color: #5a6068; font-weight: 600; text-transform: uppercase;
                         letter-spacing: 1px; font-size: 8pt; padding-top: 4px; }
        QLabel#hint { color: #5a6068; font-size: 8.5pt; }
        QLabel#hint[error="true"] { color: #c62828; }
        QLabel#tokenCount { color: #7a8088; font-size: 7.5pt; }
        QPushButton#generate { background: #3d7be0; color: white; font-weight: 600;
                               border: 1px solid #2f64b8; border-radius: 4px; }
        QPushButton#generate:disabled { background: #b8c2d0; color: #eef0f3; }
        QToolBar QToolButton:checked { background: #3d7be0; color: white; }
        QToolButton#liveButton { padding: 3px 12px; font-weight: 600; }
        QToolButton#liveButton:checked { background: #3d7be0; color: white;
                                          border: 1px solid #2f64b8; border-radius: 3px; }
    )");
        return;
    }
    app.setPalette(makePalette({QColor(43, 45, 48), QColor(33, 34, 37), QColor(222, 224, 228),
                                QColor(25, 26, 28), QColor(128, 131, 137), QColor(55, 57, 61),
                                QColor(86, 148, 235), QColor(70, 72, 76), QColor(28, 29, 31),
                                QColor(75, 77, 81), QColor(115, 118, 123)}));
    app.setStyleSheet(R"(
        QLabel#section { color: #9aa0a8; font-weight: 600; text-transform: uppercase;
                         letter-spacing: 1px; font-size: 8pt; padding-top: 4px; }
        QLabel#hint { color: #9aa0a8; font-size: 8.5pt; }
        QLabel#hint[error="true"] { color: #ff8a80; }
        QLabel#tokenCount { color: #7d838c; font-size: 7.5pt; }
        QPushButton#generate { background: #3d7be0; color: white; font-weight: 600;
                               border: 1px solid #2f64b8; border-radius: 4px; }
        QPushButton#generate:hover { background: #4a88ee; }
        QPushButton#generate:pressed { background: #336bc4; }
        QPushButton#generate:disabled { background: #3a4350; color: #8a9099; }
        QDockWidget::title { padding: 5px 8px; background: #26282b; }
        QToolBar { spacing: 4px; padding: 2px 6px; border: none; }
        QToolBar QToolButton { padding: 3px 10px; border-radius: 3px; }
        QToolBar QToolButton:checked { background: #3d7be0; color: white; }
        QToolButton#liveButton { padding: 3px 12px; font-weight: 600; }
        QToolButton#liveButton:checked { background: #3d7be0; color: white;
                                          border: 1px solid #2f64b8; border-radius: 3px; }
        QListWidget#regionList::item { padding: 4px 2px; }
        QProgressBar { border: 1px solid #3a3c40; border-radius: 3px; text-align: center;
                       background: #222326; min-height: 18px; }
        QProgressBar::chunk { background: #3d7be0; border-radius: 2px; }
        QStatusBar QLabel { color: #aab0b8; padding: 0 6px; }
    )");
}

} // namespace md

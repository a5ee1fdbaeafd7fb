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

QPalette lightPalette()
{
    QPalette p;
    const QColor window(236, 237, 239), base(250, 250, 251), text(30, 32, 36);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, QColor(255, 255, 240));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(130, 133, 139));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(225, 227, 230));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::Highlight, QColor(61, 123, 224));
    p.setColor(QPalette::HighlightedText, Qt::white);
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(150, 153, 158));
    return p;
}

} // namespace

void applyTheme(QApplication& app, ThemeChoice theme)
{
    app.setStyle(new StudioStyle);
    if (theme == ThemeChoice::Light) {
        app.setPalette(lightPalette());
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
    )");
        return;
    }
    QPalette p;
    const QColor window(43, 45, 48), base(33, 34, 37), text(222, 224, 228);
    const QColor accent(86, 148, 235);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, QColor(25, 26, 28));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(128, 131, 137));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(55, 57, 61));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Highlight, accent);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, accent.lighter(120));
    p.setColor(QPalette::Mid, QColor(70, 72, 76));
    p.setColor(QPalette::Dark, QColor(28, 29, 31));
    p.setColor(QPalette::Light, QColor(75, 77, 81));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(115, 118, 123));
    app.setPalette(p);
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
        QListWidget#regionList::item { padding: 4px 2px; }
        QProgressBar { border: 1px solid #3a3c40; border-radius: 3px; text-align: center;
                       background: #222326; min-height: 18px; }
        QProgressBar::chunk { background: #3d7be0; border-radius: 2px; }
        QStatusBar QLabel { color: #aab0b8; padding: 0 6px; }
    )");
}

} // namespace md

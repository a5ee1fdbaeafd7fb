#include "ui/panels/ShortcutTable.h"

#include <QAction>
#include <QCoreApplication>
#include <QMenu>

namespace md {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ShortcutTable", text);
}

QString row(const QString& keys, const QString& what)
{
    return QStringLiteral("<tr><td style='padding-right:14px'><b>%1</b></td><td>%2</td></tr>")
        .arg(keys, what);
}

void addMenu(const QMenu* menu, QString& html)
{
    QString rows;
    for (const QAction* action : menu->actions()) {
        if (action->menu()) {
            addMenu(action->menu(), html);
            continue;
        }
        QStringList keys;
        for (const QKeySequence& key : action->shortcuts())
            keys << key.toString(QKeySequence::NativeText).toHtmlEscaped();
        if (keys.isEmpty())
            continue;
        QString text = action->text();
        text.remove('&');
        text.remove(QStringLiteral("…"));
        rows += row(keys.join(QStringLiteral("</b>, <b>")), text.toHtmlEscaped());
    }
    if (rows.isEmpty())
        return;
    QString title = menu->title();
    title.remove('&');
    html += QStringLiteral("<tr><td colspan=2 style='padding-top:8px'><i>%1</i></td></tr>")
                .arg(title.toHtmlEscaped()) +
            rows;
}

} // namespace

QString shortcutTableHtml(const QList<QMenu*>& menus)
{
    QString html = QStringLiteral("<table>");
    for (const QMenu* menu : menus)
        addMenu(menu, html);
    html += QStringLiteral("<tr><td colspan=2 style='padding-top:8px'><i>%1</i></td></tr>")
                .arg(tr("Canvas"));
    html += row(tr("Shift+click"), tr("straight line from the last stroke"));
    html += row(tr("Space+drag, middle drag"), tr("pan"));
    html += row(tr("Ctrl+wheel"), tr("zoom"));
    html += row(tr("Shift+click (fill tool)"), tr("fill with empty"));
    html += QStringLiteral("</table>");
    return html;
}

} // namespace md

#include "ui/LoraFeatures.h"

#include "engine/Engine.h"
#include "ui/Settings.h"
#include "ui/generation/GenerationController.h"
#include "ui/loras/LoraBrowser.h"
#include "ui/panels/PromptEdit.h"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QMainWindow>
#include <QTextCursor>

namespace md {

namespace {

bool isPositivePrompt(const QWidget* w)
{
    return w && (w->objectName() == "backgroundPrompt" || w->objectName() == "regionPrompt");
}

} // namespace

LoraCatalog::Inspect LoraFeatures::defaultInspect()
{
    return [](const std::string& path) { return Engine::inspectLora(path); };
}

LoraFeatures::LoraFeatures(QMainWindow* window, const Parts& parts, LoraCatalog::Inspect inspect)
    : QObject(window), m_window(window), m_parts(parts), m_inspect(std::move(inspect))
{
    m_browser = new LoraBrowser(window);
    m_dock = new QDockWidget(tr("LoRAs"), window);
    m_dock->setObjectName("lorasDock");
    m_dock->setWidget(m_browser);
    m_dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                        QDockWidget::DockWidgetClosable);
    window->addDockWidget(Qt::RightDockWidgetArea, m_dock);
    // A tab beside the paint layers: the prompts above keep their room.
    if (auto* layers = window->findChild<QDockWidget*>("layersDock"))
        window->tabifyDockWidget(layers, m_dock);

    connect(qApp, &QApplication::focusChanged, this, [this](QWidget*, QWidget* now) {
        if (isPositivePrompt(now))
            m_lastPrompt = static_cast<PromptEdit*>(now);
    });
    connect(m_browser, &LoraBrowser::insertRequested, this, &LoraFeatures::insertTag);
    connect(m_browser, &LoraBrowser::refreshRequested, this, &LoraFeatures::reload);
    connect(parts.generation, &GenerationController::modelStateChanged, this,
            &LoraFeatures::followModel);
    followModel();
    reload();
}

void LoraFeatures::reload()
{
    const QString folder = m_parts.settings->loraFolder();
    m_parts.generation->setLoraDirs(folder.isEmpty()
                                        ? std::vector<std::string>{}
                                        : std::vector<std::string>{folder.toStdString()});
    LoraCatalog catalog;
    QString status;
    if (folder.isEmpty()) {
        status = tr("No LoRA folder yet: choose one in Edit > Preferences.");
    } else if (Status s = catalog.load(folder.toStdString(), m_inspect); !s) {
        status = QString::fromStdString(s.message());
    } else {
        int usable = 0;
        for (const LoraEntry& e : catalog.entries())
            usable += e.error.empty() ? 1 : 0;
        const QString shown = QDir::toNativeSeparators(folder);
        status = usable == 1 ? tr("1 LoRA in %1").arg(shown)
                             : tr("%1 LoRAs in %2").arg(usable).arg(shown);
    }
    m_browser->setCatalog(catalog, status);
}

void LoraFeatures::followModel()
{
    const bool ready = m_parts.generation->modelState() == GenerationController::ModelState::Ready;
    m_browser->setModelFamily(ready ? QString::fromStdString(m_parts.generation->modelInfo().family)
                                    : QString());
}

bool LoraFeatures::insertTag(const QString& tag)
{
    PromptEdit* edit = m_lastPrompt;
    if (!edit || !edit->isVisible())
        edit = m_window->findChild<PromptEdit*>("backgroundPrompt");
    if (!edit) {
        Q_EMIT message(tr("Click in a prompt first, then insert the LoRA."), 5000);
        return false;
    }
    QTextCursor cursor = edit->textCursor();
    const QString before = edit->toPlainText().left(cursor.position());
    const QString text = before.isEmpty() || before.back().isSpace() ? tag : " " + tag;
    cursor.insertText(text);
    edit->setTextCursor(cursor);
    edit->setFocus();
    Q_EMIT message(
        edit->objectName() == "regionPrompt"
            ? tr("%1 added to the region's prompt: it acts in that region only.").arg(tag)
            : tr("%1 added to the background prompt: it acts everywhere.").arg(tag),
        4000);
    return true;
}

} // namespace md

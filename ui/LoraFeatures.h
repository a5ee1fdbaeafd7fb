#pragma once

// Wires LoRA support into the main window: the "LoRAs" dock (LoraBrowser) listing the
// preference's LoRA folder (Settings::loraFolder) with each file read from its header
// (Engine::inspectLora; hashing waits for generation, on the worker), greyed for another
// family than the loaded model's, and Insert putting <lora:NAME:1> into the prompt being
// edited: the background or region prompt that had the focus last (else the background).
// The folder goes to GenerationController::setLoraDirs, so every request carries it. The
// region list's LoRA badges are RegionsPanel's.

#include "ui/loras/LoraCatalog.h"

#include <QObject>
#include <QPointer>

class QDockWidget;
class QMainWindow;

namespace md {

class GenerationController;
class LoraBrowser;
class PromptEdit;
class Settings;

class LoraFeatures : public QObject
{
    Q_OBJECT
public:
    struct Parts
    {
        GenerationController* generation;
        Settings* settings;
    };
    // `inspect` reads a file's header (tests may pass their own).
    LoraFeatures(QMainWindow* window, const Parts& parts,
                 LoraCatalog::Inspect inspect = defaultInspect());

    // Reads the LoRA folder preference again (after Preferences, or the Refresh button): the
    // requests' LoRA folders and the list.
    void reload();
    // Inserts `tag` at the cursor of the last focused prompt (a space before it when needed);
    // false, with a message, when there is no prompt to put it in.
    bool insertTag(const QString& tag);

    LoraBrowser* browser() const { return m_browser; }
    QDockWidget* dock() const { return m_dock; }
    static LoraCatalog::Inspect defaultInspect();

Q_SIGNALS:
    void message(const QString& text, int timeoutMs);

private:
    void followModel();

    QMainWindow* m_window;
    Parts m_parts;
    LoraCatalog::Inspect m_inspect;
    LoraBrowser* m_browser;
    QDockWidget* m_dock;
    QPointer<PromptEdit> m_lastPrompt;
};

} // namespace md

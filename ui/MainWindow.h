#pragma once

// The main window: menus and actions, docks, status bar, drag and drop. It owns the
// controllers and wires them together; the work is done by them.

#include <QMainWindow>

class QAction;
class QLabel;
class QMenu;
class QToolBar;

namespace md {

class Autosave;
class CanvasView;
class DocumentController;
class FileActions;
class GenerationController;
class GenerationPanel;
class GenerationSession;
class ImageFeatures;
class LiveFeatures;
class LoraFeatures;
class RegionsPanel;
class ResultsStrip;
class Settings;
class ToolPalette;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(Settings* settings, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens `files` (a project or exported PNG) or offers crash recovery, then loads a model.
    void startUp(const QStringList& files, bool loadModel = true);

    DocumentController* document() const { return m_document; }
    GenerationController* generation() const { return m_generation; }
    GenerationSession* session() const { return m_session; }
    CanvasView* canvas() const { return m_canvas; }
    RegionsPanel* regionsPanel() const { return m_regions; }
    GenerationPanel* generationPanel() const { return m_generationPanel; }
    ResultsStrip* resultsStrip() const { return m_results; }
    ToolPalette* tools() const { return m_tools; }
    FileActions* files() const { return m_files; }
    Autosave* autosave() const { return m_autosave; }
    ImageFeatures* images() const { return m_images; }
    LoraFeatures* loras() const { return m_loras; }
    LiveFeatures* live() const { return m_live; }
    QAction* panelsAction() const { return m_panelsAction; }
    // Hides every dock and the toolbar, or brings back the ones hidden (Tab, as in Krita).
    void togglePanels();
    // The keyboard shortcuts as HTML, read from the menus (Help and Preferences show it).
    QString shortcutsHtml() const;
    void showPreferences();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createDocks();
    void createMenus();
    void createStatusBar();
    void updateTitle();
    void offerRecovery();
    void showMessage(const QString& text, int timeoutMs);
    void fitToScreen();
    void showSliderValues();

    Settings* m_settings;
    DocumentController* m_document;
    GenerationController* m_generation;
    CanvasView* m_canvas;
    ToolPalette* m_tools;
    RegionsPanel* m_regions;
    GenerationPanel* m_generationPanel;
    ResultsStrip* m_results;
    GenerationSession* m_session;
    FileActions* m_files;
    Autosave* m_autosave;
    ImageFeatures* m_images = nullptr;
    LoraFeatures* m_loras = nullptr;
    LiveFeatures* m_live = nullptr;
    QToolBar* m_toolBar = nullptr;
    QMenu* m_recentMenu = nullptr;
    QLabel* m_zoomLabel = nullptr;
    QLabel* m_positionLabel = nullptr;
    QLabel* m_messageLabel = nullptr;
    QAction* m_panelsAction = nullptr;
    QList<QWidget*> m_hiddenPanels; // hidden by togglePanels(), shown again by it
    int m_progressPercent = -1;     // shown in the title while generating
};

} // namespace md

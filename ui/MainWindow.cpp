#include "ui/MainWindow.h"

#include "document/ProjectFile.h"
#include "ui/ImageFeatures.h"
#include "ui/LiveFeatures.h"
#include "ui/LoraFeatures.h"
#include "ui/Settings.h"
#include "ui/Theme.h"
#include "ui/canvas/BrushTool.h"
#include "ui/canvas/CanvasView.h"
#include "ui/canvas/ToolPalette.h"
#include "ui/document/DocumentController.h"
#include "ui/document/UndoHistory.h"
#include "ui/files/Autosave.h"
#include "ui/files/FileActions.h"
#include "ui/files/ProjectWriter.h"
#include "ui/generation/GenerationController.h"
#include "ui/generation/GenerationSession.h"
#include "ui/panels/EstimateLabel.h"
#include "ui/panels/GenerationPanel.h"
#include "ui/panels/PreferencesDialog.h"
#include "ui/panels/PromptEdit.h"
#include "ui/panels/RegionsPanel.h"
#include "ui/panels/ResultsStrip.h"
#include "ui/panels/ShortcutTable.h"
#include "ui/panels/TokenCounter.h"

#include <QAbstractSpinBox>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QScreen>
#include <QScrollArea>
#include <QSlider>
#include <QStatusBar>
#include <QTextEdit>
#include <QTimer>
#include <QToolBar>
#include <algorithm>

namespace md {

namespace {

constexpr auto kDockFeatures = QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                               QDockWidget::DockWidgetClosable;

// Widgets where Tab belongs to the typing (focus moves on), not to hiding the panels.
bool isTextField(const QWidget* w)
{
    return qobject_cast<const QLineEdit*>(w) || qobject_cast<const QPlainTextEdit*>(w) ||
           qobject_cast<const QTextEdit*>(w) || qobject_cast<const QAbstractSpinBox*>(w);
}

} // namespace

MainWindow::MainWindow(Settings* settings, QWidget* parent)
    : QMainWindow(parent), m_settings(settings)
{
    setObjectName("MainWindow");
    setAcceptDrops(true);
    m_document = new DocumentController(this);
    m_document->undoStack()->setByteBudget(std::size_t(settings->undoMemoryBytes()));
    // A new or opened document starts with an empty status line; connected before the
    // panels, so what they say about the new document stays.
    connect(m_document->model(), &ProjectModel::projectReset, this, [this] {
        if (m_messageLabel)
            m_messageLabel->clear();
    });
    m_generation = new GenerationController(this);
    m_canvas = new CanvasView(m_document, this);
    m_canvas->setPreviewMode(settings->previewMode());
    m_canvas->setOverlayOpacity(settings->overlayOpacity());
    setCentralWidget(m_canvas);
    m_tools = new ToolPalette(m_document, m_canvas, settings, this);
    m_files = new FileActions(m_document, settings, this, this);
    m_autosave = new Autosave(m_document, settings->autosaveSeconds(), this);

    createDocks();
    m_session = new GenerationSession(m_document, m_generation, m_generationPanel, m_results,
                                      m_canvas, settings, this);
    m_images = new ImageFeatures(
        this, {m_document, m_session, m_files, settings, m_canvas, m_regions, m_results});
    m_loras = new LoraFeatures(this, {m_generation, settings});
    m_live =
        new LiveFeatures(this, {m_document, m_generation, m_session, m_generationPanel, m_results});
    createMenus();
    createStatusBar();

    connect(m_tools, &ToolPalette::message, this,
            [this](const QString& t) { showMessage(t, 4000); });
    connect(m_files, &FileActions::message, this, &MainWindow::showMessage);
    connect(m_images, &ImageFeatures::message, this, &MainWindow::showMessage);
    connect(m_loras, &LoraFeatures::message, this, &MainWindow::showMessage);
    connect(m_live, &LiveFeatures::message, this, &MainWindow::showMessage);
    connect(m_autosave, &Autosave::failed, this, [this](const QString& t) { showMessage(t, 0); });
    connect(m_document, &DocumentController::notice, this,
            [this](const QString& t) { showMessage(t, 6000); });
    connect(m_session, &GenerationSession::message, this, &MainWindow::showMessage);
    connect(m_document, &DocumentController::dirtyChanged, this, &MainWindow::updateTitle);
    connect(m_document, &DocumentController::filePathChanged, this, &MainWindow::updateTitle);
    connect(m_regions, &RegionsPanel::addBoxRequested, this, [this] {
        m_tools->setTool(ToolPalette::Tool::Box);
        showMessage(tr("Drag on the canvas to draw the box."), 5000);
    });
    // No stale text: a cancel replaces what was said (New and Open: see above).
    connect(m_generation, &GenerationController::generationCancelled, this,
            [this] { showMessage(tr("Generation cancelled."), 3000); });
    connect(m_session, &GenerationSession::overallProgress, this, [this](int percent) {
        m_progressPercent = percent;
        updateTitle();
    });

    auto* counter = new TokenCounter(m_generation, this);
    // Before Generate: what the next generation will take (memory, UNet evaluations).
    statusBar()->addPermanentWidget(new EstimateLabel(m_document, m_generation, this));
    for (PromptEdit* field : findChildren<PromptEdit*>())
        counter->watch(field);
    qApp->installEventFilter(this);

    fitToScreen();
    restoreGeometry(settings->windowGeometry());
    restoreState(settings->windowState());
    updateTitle();
}

MainWindow::~MainWindow()
{
    qApp->removeEventFilter(this);
    // Before the document it reads (children die in creation order, the document first).
    delete m_autosave;
    m_autosave = nullptr;
}

void MainWindow::fitToScreen()
{
    // Most of the screen, never more than it (a fixed size overflows at 200 % scaling).
    const QScreen* s = screen() ? screen() : QGuiApplication::primaryScreen();
    const QRect available = s ? s->availableGeometry() : QRect(0, 0, 1400, 860);
    const int width = std::min(available.width(), std::max(int(available.width() * 0.85), 960));
    const int height = std::min(available.height(), std::max(int(available.height() * 0.85), 640));
    resize(width, height);
    move(available.center() - QPoint(width / 2, height / 2));
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event)
{
    // While typing, Tab moves on to the next field instead of hiding the panels.
    if (event->type() == QEvent::ShortcutOverride) {
        const auto* key = static_cast<QKeyEvent*>(event);
        auto* widget = qobject_cast<QWidget*>(watched);
        if ((key->key() == Qt::Key_Tab || key->key() == Qt::Key_Backtab) && widget &&
            isTextField(widget)) {
            event->accept();
            return false;
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::showSliderValues()
{
    // Every toolbar slider (brush size and hardness, mask opacity) shows its number.
    const QList<QAction*> actions = m_toolBar->actions();
    for (int i = 0; i < actions.size(); ++i) {
        auto* slider = qobject_cast<QSlider*>(m_toolBar->widgetForAction(actions[i]));
        if (!slider)
            continue;
        const QString suffix = slider->maximum() == 100 ? QStringLiteral(" %") : tr(" px");
        auto* value = new QLabel(m_toolBar);
        value->setObjectName(slider->objectName().isEmpty() ? QStringLiteral("sliderValue")
                                                            : slider->objectName() + "Value");
        value->setMinimumWidth(
            value->fontMetrics().horizontalAdvance(QString::number(slider->maximum()) + suffix));
        const auto show = [value, suffix](int v) { value->setText(QString::number(v) + suffix); };
        show(slider->value());
        connect(slider, &QSlider::valueChanged, value, show);
        if (i + 1 < actions.size())
            m_toolBar->insertWidget(actions[i + 1], value);
        else
            m_toolBar->addWidget(value);
    }
}

void MainWindow::togglePanels()
{
    QList<QWidget*> panels;
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        panels << dock;
    panels << m_toolBar;
    QList<QWidget*> visible;
    for (QWidget* w : panels)
        if (w->isVisible())
            visible << w;
    if (!visible.isEmpty()) {
        for (QWidget* w : visible)
            w->hide();
        m_hiddenPanels = visible;
        m_canvas->setFocus();
    } else {
        for (QWidget* w : m_hiddenPanels.isEmpty() ? panels : m_hiddenPanels)
            w->show();
        m_hiddenPanels.clear();
    }
}

QString MainWindow::shortcutsHtml() const
{
    QList<QMenu*> menus;
    for (QAction* a : menuBar()->actions())
        if (a->menu())
            menus << a->menu();
    return shortcutTableHtml(menus);
}

void MainWindow::showPreferences()
{
    PreferencesDialog dialog(m_settings, shortcutsHtml(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_autosave->setInterval(m_settings->autosaveSeconds());
    m_loras->reload();
    if (auto* app = qobject_cast<QApplication*>(QCoreApplication::instance()))
        applyTheme(*app, m_settings->theme());
}

void MainWindow::createDocks()
{
    m_regions = new RegionsPanel(m_document, this);
    auto* regionsDock = new QDockWidget(tr("Prompts"), this);
    regionsDock->setObjectName("regionsDock");
    regionsDock->setWidget(m_regions);
    regionsDock->setFeatures(kDockFeatures);
    regionsDock->setMinimumWidth(300);
    addDockWidget(Qt::RightDockWidgetArea, regionsDock);

    m_generationPanel = new GenerationPanel(m_document, m_settings, this);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_generationPanel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* generationDock = new QDockWidget(tr("Generate"), this);
    generationDock->setObjectName("generationDock");
    generationDock->setWidget(scroll);
    generationDock->setFeatures(kDockFeatures);
    generationDock->setMinimumWidth(260);
    addDockWidget(Qt::LeftDockWidgetArea, generationDock);

    m_results = new ResultsStrip(m_document, this);
    auto* resultsDock = new QDockWidget(tr("History"), this);
    resultsDock->setObjectName("resultsDock");
    resultsDock->setWidget(m_results);
    resultsDock->setFeatures(kDockFeatures);
    addDockWidget(Qt::BottomDockWidgetArea, resultsDock);
    connect(m_results, &ResultsStrip::exportRequested, m_files, &FileActions::exportResult);

    m_toolBar = m_tools->createToolBar(this);
    addToolBar(Qt::TopToolBarArea, m_toolBar);
}

void MainWindow::createMenus()
{
    // ---- File
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New"), QKeySequence::New, m_files, &FileActions::newProject);
    file->addAction(tr("&Open…"), QKeySequence::Open, m_files, &FileActions::open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this,
            [this] { m_files->fillRecentMenu(m_recentMenu); });
    file->addSeparator();
    file->addAction(tr("&Save"), QKeySequence::Save, m_files, &FileActions::save);
    // Ctrl+Shift+S everywhere (QKeySequence::SaveAs is empty on some platforms).
    file->addAction(tr("Save &As…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), m_files,
                    &FileActions::saveAs);
    file->addSeparator();
    file->addAction(tr("&Import Mask…"), QKeySequence(Qt::CTRL | Qt::Key_I), m_files,
                    &FileActions::importMask);
    file->addAction(tr("&Export PNG…"), QKeySequence(Qt::CTRL | Qt::Key_E), this, [this] {
        std::uint32_t id = m_results->selectedResult();
        if (id == 0 && !m_document->project().results.empty())
            id = m_document->project().results.back().id;
        m_files->exportResult(id);
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    // ---- Edit
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_document->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_document->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    edit->addAction(undo);
    edit->addAction(redo);
    // No undo in the middle of a stroke or a drag: it would pull the pixels from under it.
    connect(m_canvas, &CanvasView::interactionChanged, this, [this, undo, redo](bool active) {
        undo->setEnabled(!active && m_document->undoStack()->canUndo());
        redo->setEnabled(!active && m_document->undoStack()->canRedo());
    });
    edit->addSeparator();
    edit->addAction(tr("&Fill Region"), QKeySequence(Qt::SHIFT | Qt::Key_Backspace), this,
                    [this] { m_document->fillRegion(m_document->currentRegionId()); });
    edit->addAction(tr("&Clear Region"), QKeySequence(Qt::Key_Backspace), this,
                    [this] { m_document->clearRegion(m_document->currentRegionId()); });
    edit->addSeparator();
    edit->addAction(tr("&Add Painted Region"), QKeySequence(Qt::Key_Insert), this,
                    [this] { m_document->addMaskRegion(); });
    edit->addAction(tr("&Duplicate Region"), QKeySequence(Qt::CTRL | Qt::Key_J), this,
                    [this] { m_document->duplicateRegion(m_document->currentRegionId()); });
    edit->addAction(tr("&Remove Region"), QKeySequence(Qt::SHIFT | Qt::Key_Delete), this,
                    [this] { m_document->removeRegion(m_document->currentRegionId()); });
    edit->addAction(m_tools->deleteAction());
    edit->addSeparator();
    QAction* preferences = edit->addAction(tr("&Preferences…"), this, &MainWindow::showPreferences);
    preferences->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    preferences->setMenuRole(QAction::PreferencesRole);

    // ---- View
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Fit to Window"), QKeySequence(Qt::CTRL | Qt::Key_0), m_canvas,
                    &CanvasView::fitToWindow);
    view->addAction(tr("&Actual Size (100 %)"), QKeySequence(Qt::CTRL | Qt::Key_1), m_canvas,
                    &CanvasView::zoomActualSize);
    view->addAction(tr("Zoom &In"), QKeySequence::ZoomIn, m_canvas, &CanvasView::zoomIn);
    view->addAction(tr("Zoom &Out"), QKeySequence::ZoomOut, m_canvas, &CanvasView::zoomOut);
    view->addAction(m_canvas->tiledPreviewAction());
    view->addSeparator();
    auto* modes = new QActionGroup(this);
    m_toolBar->addSeparator();
    m_toolBar->addWidget(new QLabel(tr(" Show "), m_toolBar));
    const auto addMode = [&](const QString& text, const QString& shortText, const QKeySequence& key,
                             PreviewMode mode) {
        QAction* a = view->addAction(text);
        a->setIconText(shortText);
        a->setToolTip(QStringLiteral("%1 (%2)").arg(shortText, key.toString()));
        m_toolBar->addAction(a);
        a->setShortcut(key);
        a->setCheckable(true);
        a->setChecked(m_canvas->previewMode() == mode);
        a->setActionGroup(modes);
        connect(a, &QAction::triggered, this, [this, mode] {
            m_canvas->setPreviewMode(mode);
            m_settings->setPreviewMode(mode);
        });
        connect(m_canvas, &CanvasView::previewModeChanged, a,
                [a, mode](PreviewMode now) { a->setChecked(now == mode); });
    };
    addMode(tr("Result and &Masks"), tr("Both"), QKeySequence(Qt::Key_1), PreviewMode::Both);
    addMode(tr("Masks &Only"), tr("Masks"), QKeySequence(Qt::Key_2), PreviewMode::MasksOnly);
    addMode(tr("&Result Only"), tr("Result"), QKeySequence(Qt::Key_3), PreviewMode::ResultOnly);
    // Mask opacity: a slider in the toolbar.
    m_toolBar->addWidget(new QLabel(tr("  Opacity "), m_toolBar));
    auto* opacity = new QSlider(Qt::Horizontal, m_toolBar);
    opacity->setObjectName("overlayOpacity");
    opacity->setRange(0, 100);
    opacity->setFixedWidth(90);
    opacity->setValue(int(m_canvas->overlayOpacity() * 100 + 0.5));
    opacity->setToolTip(tr("Mask overlay opacity"));
    m_toolBar->addWidget(opacity);
    connect(opacity, &QSlider::valueChanged, this, [this](int v) {
        m_canvas->setOverlayOpacity(v / 100.0);
        m_settings->setOverlayOpacity(v / 100.0);
    });
    view->addSeparator();
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        view->addAction(dock->toggleViewAction());
    m_toolBar->toggleViewAction()->setText(tr("Tools"));
    view->addAction(m_toolBar->toggleViewAction());
    m_panelsAction = view->addAction(tr("Hide or Show &Panels"), this, &MainWindow::togglePanels);
    m_panelsAction->setShortcut(QKeySequence(Qt::Key_Tab));
    showSliderValues();

    // ---- Tools
    QMenu* tools = menuBar()->addMenu(tr("&Tools"));
    tools->addActions(m_tools->toolActions());
    tools->addSeparator();
    tools->addActions(m_tools->brushActions());

    // ---- Generate
    QMenu* generate = menuBar()->addMenu(tr("&Generate"));
    QAction* run = generate->addAction(tr("&Generate"), m_session, &GenerationSession::generate);
    run->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    QAction* cancel = generate->addAction(tr("&Cancel"), m_session, &GenerationSession::cancel);
    cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    cancel->setEnabled(false);
    connect(m_generation, &GenerationController::busyChanged, cancel, &QAction::setEnabled);
    generate->addAction(tr("Reuse &Last Seed"), m_session, &GenerationSession::reuseLastSeed);
    m_images->addToMenus(file, edit, generate);
    m_live->addToMenu(generate);

    // ---- Help
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard Shortcuts"), this, [this] {
        QMessageBox box(QMessageBox::Information, tr("Keyboard shortcuts"), shortcutsHtml(),
                        QMessageBox::Ok, this);
        box.setObjectName("shortcutHelp");
        box.setTextFormat(Qt::RichText);
        box.exec();
    });
    help->addAction(tr("&About"), this, [this] {
        QMessageBox::about(this, tr("About MultiDiffusion Studio"),
                           tr("<b>MultiDiffusion Studio</b> %1<br>Paint regions, give each "
                              "its prompt, and generate one image that follows them all "
                              "(MultiDiffusion, Bar-Tal et al., ICML 2023).")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::createStatusBar()
{
    m_messageLabel = new QLabel(this);
    m_positionLabel = new QLabel(this);
    m_positionLabel->setMinimumWidth(90);
    m_zoomLabel = new QLabel(this);
    m_zoomLabel->setMinimumWidth(60);
    statusBar()->addWidget(m_messageLabel, 1);
    // A busy bar while a save or an export is written in the background.
    auto* writing = new QProgressBar(this);
    writing->setObjectName("writingProgress");
    writing->setRange(0, 0);
    writing->setFixedSize(100, 12);
    writing->setTextVisible(false);
    writing->hide();
    statusBar()->addWidget(writing);
    connect(m_files->writer(), &ProjectWriter::busyChanged, writing, &QWidget::setVisible);
    statusBar()->addPermanentWidget(m_positionLabel);
    statusBar()->addPermanentWidget(m_zoomLabel);
    connect(m_canvas, &CanvasView::zoomChanged, this, [this](double z) {
        m_zoomLabel->setText(QStringLiteral("%1 %").arg(int(z * 100 + 0.5)));
    });
    connect(m_canvas, &CanvasView::cursorMoved, this, [this](QPoint p, bool inside) {
        m_positionLabel->setText(inside ? QStringLiteral("%1, %2").arg(p.x()).arg(p.y())
                                        : QString());
    });
    m_zoomLabel->setText(QStringLiteral("%1 %").arg(int(m_canvas->zoom() * 100 + 0.5)));
}

void MainWindow::showMessage(const QString& text, int timeoutMs)
{
    m_messageLabel->setText(text);
    if (timeoutMs > 0)
        QTimer::singleShot(timeoutMs, m_messageLabel, [label = m_messageLabel, text] {
            if (label->text() == text)
                label->clear();
        });
}

void MainWindow::updateTitle()
{
    // Progress in the title: what the taskbar shows on Linux, where Qt 6 has no taskbar
    // progress API (QWinTaskbarProgress and QtMacExtras are gone since Qt 6.0).
    const QString progress =
        m_progressPercent >= 0 ? QStringLiteral("[%1 %] ").arg(m_progressPercent) : QString();
    setWindowTitle(
        QStringLiteral("%1%2[*] — MultiDiffusion Studio").arg(progress, m_document->displayName()));
    setWindowModified(m_document->isDirty());
}

void MainWindow::startUp(const QStringList& files, bool loadModel)
{
    if (!files.isEmpty())
        m_files->openPath(files.first(), false);
    else
        offerRecovery();
    if (loadModel)
        m_session->loadInitialModel();
}

void MainWindow::offerRecovery()
{
    const auto found = Autosave::findRecoverable();
    if (found.empty())
        return;
    const Autosave::Recovery& r = found.front();
    const QString name =
        r.originalPath.isEmpty() ? tr("an untitled project") : QFileInfo(r.originalPath).fileName();
    const auto answer = QMessageBox::question(
        this, tr("Recover unsaved work?"),
        tr("MultiDiffusion Studio did not close properly. Unsaved changes to %1 from %2 "
           "were kept.\n\nRecover them?")
            .arg(name, QLocale().toString(r.time, QLocale::ShortFormat)),
        QMessageBox::Yes | QMessageBox::Discard, QMessageBox::Yes);
    if (answer == QMessageBox::Yes) {
        Result<Project> project = loadProject(r.file.toStdString());
        if (project.isOk())
            m_document->resetDocument(std::move(project).value(), r.originalPath, true);
        else
            QMessageBox::warning(this, tr("Recovery failed"),
                                 QString::fromStdString(project.error()));
    }
    for (const Autosave::Recovery& each : found)
        Autosave::discard(each);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!m_files->maybeSave()) {
        event->ignore();
        return;
    }
    m_settings->setWindowGeometry(saveGeometry());
    m_settings->setWindowState(saveState());
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    // Let the drop finish before any dialog opens.
    QTimer::singleShot(0, this, [this, paths] { m_files->openDropped(paths); });
}

} // namespace md

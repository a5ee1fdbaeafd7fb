// Panels, menus and small habits, driven by key and mouse events: docks hide from the View
// menu and all at once with Tab (not while typing); Ctrl+Shift+S is Save As; the shortcut
// list comes from the menus; sliders show their value and jump to a click; the status line
// drops stale text; the window fits the screen; preferences persist.

#include "UiTestSupport.h"
#include "ui/Theme.h"
#include "ui/document/DocumentController.h"
#include "ui/files/FileActions.h"
#include "ui/generation/GenerationController.h"
#include "ui/generation/GenerationSession.h"
#include "ui/panels/GenerationPanel.h"
#include "ui/panels/PreferencesDialog.h"
#include "ui/panels/PromptEdit.h"
#include "ui/panels/RegionsPanel.h"

#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QScreen>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QStyle>
#include <QStyleOptionSlider>
#include <QTest>
#include <QTimer>
#include <cmath>

using namespace md;

class PanelsTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<test::UiTestEnvironment> m_env;
    std::unique_ptr<MainWindow> m_window;

    QList<QDockWidget*> docks() const { return m_window->findChildren<QDockWidget*>(); }
    QAction* menuAction(const QString& menuTitle, const QString& text) const
    {
        for (QAction* m : m_window->menuBar()->actions())
            if (m->menu() && m->text().remove('&') == menuTitle)
                for (QAction* a : m->menu()->actions())
                    if (a->text().remove('&') == text)
                        return a;
        return nullptr;
    }
    QString statusText() const
    {
        QString text;
        for (QLabel* l : m_window->statusBar()->findChildren<QLabel*>())
            text += l->text();
        return text;
    }

private Q_SLOTS:
    void initTestCase() { applyTheme(*qApp); }

    void init()
    {
        m_env = std::make_unique<test::UiTestEnvironment>();
        m_window = std::make_unique<MainWindow>(m_env->settings.get());
        m_window->resize(1400, 900);
        m_window->show();
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        m_window->files()->setInteractive(false);
    }

    void cleanup()
    {
        m_window.reset();
        m_env.reset();
    }

    void viewMenuTogglesHideAndShowEachDock()
    {
        QCOMPARE(docks().size(), 5); // Prompts, Generate, History, Paint Layers, LoRAs
        for (QDockWidget* dock : docks()) {
            QAction* toggle = dock->toggleViewAction();
            QVERIFY2(toggle->isEnabled(), qPrintable(dock->windowTitle()));
            QVERIFY(dock->isVisible());
            toggle->trigger();
            QVERIFY(!dock->isVisible());
            toggle->trigger();
            QVERIFY(dock->isVisible());
        }
    }

    void tabHidesAndShowsAllPanelsButNotWhileTyping()
    {
        m_window->canvas()->setFocus();
        QTest::keyClick(m_window->canvas(), Qt::Key_Tab);
        for (QDockWidget* dock : docks())
            QVERIFY2(!dock->isVisible(), qPrintable(dock->windowTitle()));
        QTest::keyClick(m_window->canvas(), Qt::Key_Tab);
        for (QDockWidget* dock : docks())
            QVERIFY2(dock->isVisible(), qPrintable(dock->windowTitle()));

        // In a prompt field Tab moves the focus on and the panels stay.
        PromptEdit* prompt = m_window->regionsPanel()->backgroundPrompt();
        prompt->setFocus();
        QVERIFY(prompt->hasFocus());
        QTest::keyClick(prompt, Qt::Key_Tab);
        for (QDockWidget* dock : docks())
            QVERIFY(dock->isVisible());
        QVERIFY(!prompt->hasFocus());
        QCOMPARE(prompt->text(), QString()); // no tab character typed
        // The same in the seed field (a line edit).
        QLineEdit* seed = m_window->generationPanel()->seedEdit();
        seed->setFocus();
        QTest::keyClick(seed, Qt::Key_Tab);
        for (QDockWidget* dock : docks())
            QVERIFY(dock->isVisible());
    }

    void ctrlShiftSIsSaveAs()
    {
        QAction* saveAs = menuAction("File", "Save As…");
        QVERIFY(saveAs);
        QCOMPARE(saveAs->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
        bool dialogSeen = false;
        QTimer::singleShot(0, this, [&] {
            if (auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget())) {
                dialogSeen = dialog->acceptMode() == QFileDialog::AcceptSave;
                dialog->reject();
            }
        });
        QSignalSpy triggered(saveAs, &QAction::triggered);
        QTest::keyClick(m_window->canvas(), Qt::Key_S, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(triggered.count(), 1);
        QVERIFY(dialogSeen);
    }

    void shortcutListComesFromTheMenus()
    {
        const QString html = m_window->shortcutsHtml();
        const QString native =
            QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S).toString(QKeySequence::NativeText);
        for (const QString& expected :
             {native, QString("Save"), QString("Open"), QString("Export PNG"),
              QString("Add Painted Region"), QString("Remove Region"), QString("Clear Region"),
              QString("Duplicate Region"), QString("Hide or Show Panels"), QString("Preferences"),
              QString("Space+drag")})
            QVERIFY2(html.contains(expected), qPrintable(expected));
    }

    void slidersShowTheirValueAndJumpToAClick()
    {
        auto* slider = m_window->findChild<QSlider*>("overlayOpacity");
        auto* label = m_window->findChild<QLabel*>("overlayOpacityValue");
        QVERIFY(slider && label);
        // The brush size and hardness sliders show theirs too.
        QList<QLabel*> values;
        for (QLabel* l : m_window->findChildren<QLabel*>("sliderValue"))
            values << l;
        QCOMPARE(values.size(), 2);
        QVERIFY(values[0]->text().endsWith(" px"));
        QVERIFY(values[1]->text().endsWith(" %"));
        QCOMPARE(label->text(), QStringLiteral("%1 %").arg(slider->value()));
        slider->setValue(10);
        QStyleOptionSlider option;
        option.initFrom(slider);
        option.orientation = slider->orientation();
        option.minimum = slider->minimum();
        option.maximum = slider->maximum();
        option.sliderPosition = slider->value();
        option.sliderValue = slider->value();
        const QRect groove = slider->style()->subControlRect(QStyle::CC_Slider, &option,
                                                             QStyle::SC_SliderGroove, slider);
        const QPoint at(groove.left() + int(groove.width() * 0.8), groove.center().y());
        QTest::mouseClick(slider, Qt::LeftButton, {}, at);
        QVERIFY2(std::abs(slider->value() - 80) <= 8, qPrintable(QString::number(slider->value())));
        QCOMPARE(label->text(), QStringLiteral("%1 %").arg(slider->value()));
    }

    void statusLineDropsStaleTextAfterCancelAndNew()
    {
        GenerationController* gen = m_window->generation();
        Q_EMIT m_window->files()->message("Generating with seed 5…", 0);
        QVERIFY(statusText().contains("seed 5"));
        gen->generate(toGenerateRequest(m_window->document()->project()));
        QVERIFY(gen->isBusy());
        QTest::keyClick(m_window->canvas(), Qt::Key_Escape); // Cancel
        QVERIFY(!gen->isBusy());
        QVERIFY2(!statusText().contains("seed 5"), qPrintable(statusText()));

        Q_EMIT m_window->files()->message("Saved harbour.mdsp", 0);
        QTest::keyClick(m_window->canvas(), Qt::Key_N, Qt::ControlModifier); // New
        QVERIFY2(!statusText().contains("harbour"), qPrintable(statusText()));
    }

    void defaultWindowFitsTheScreen()
    {
        test::UiTestEnvironment env;
        MainWindow window(env.settings.get());
        const QRect available = window.screen()->availableGeometry();
        QVERIFY(window.width() <= available.width());
        QVERIFY(window.height() <= available.height());
        QVERIFY(window.width() >= std::min(available.width(), 960));
    }

    void generationProgressShowsInTheTitle()
    {
        Q_EMIT m_window->session()->overallProgress(42);
        QVERIFY2(m_window->windowTitle().startsWith("[42 %] "),
                 qPrintable(m_window->windowTitle()));
        Q_EMIT m_window->session()->overallProgress(-1);
        QVERIFY(!m_window->windowTitle().startsWith("["));
    }

    void preferencesPersist()
    {
        QAction* prefs = menuAction("Edit", "Preferences…");
        QVERIFY(prefs);
        bool seen = false;
        QTimer::singleShot(0, this, [&] {
            auto* dialog = qobject_cast<PreferencesDialog*>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            seen = true;
            QSpinBox* autosave = dialog->autosaveSpin();
            autosave->setFocus();
            autosave->selectAll();
            QTest::keyClicks(autosave, "45");
            QComboBox* theme = dialog->themeCombo();
            theme->setFocus();
            QTest::keyClick(theme, Qt::Key_Down); // Dark -> Light
            QTest::keyClicks(dialog->modelFolderEdit(), "/models");
            QTest::keyClicks(dialog->loraFolderEdit(), "/loras");
            QVERIFY(dialog->findChild<QLabel*>("shortcutList")->text().contains("Save"));
            QTest::keyClick(dialog, Qt::Key_Return); // OK
        });
        QTest::keyClick(m_window->canvas(), Qt::Key_Comma, Qt::ControlModifier);
        QVERIFY(seen);
        // A fresh Settings on the same file reads them back.
        Settings again(m_env->path("settings.ini"));
        QCOMPARE(again.autosaveSeconds(), 45);
        QCOMPARE(again.theme(), ThemeChoice::Light);
        QCOMPARE(again.defaultModelFolder(), QString("/models"));
        QCOMPARE(again.loraFolder(), QString("/loras"));
        applyTheme(*qApp); // back to dark for the other tests
    }

    void imagesPerClickIsRemembered()
    {
        QSpinBox* count = m_window->generationPanel()->countSpin();
        count->setFocus();
        count->selectAll();
        QTest::keyClicks(count, "4");
        QCOMPARE(m_window->generationPanel()->imageCount(), 4);
        Settings again(m_env->path("settings.ini"));
        QCOMPARE(again.imagesPerClick(), 4);
    }
};

QTEST_MAIN(PanelsTest)
#include "PanelsTest.moc"

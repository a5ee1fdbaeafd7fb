// An artist's walk-through of the real main window, with screenshots at the key moments in
// $MD_WALKTHROUGH_DIR (<build>/walkthrough under CTest): a new 768x512 project, the
// background prompt "a blue sky", a region painted with the brush over the bottom third
// ("green grass"), two boxes drawn with the box tool ("a yellow sun", "a red house"), a
// generation with the embedded model (live preview caught on the way), the result with
// and without the masks, and a second seed in the history. Everything goes through the
// widgets: menu actions, toolbar buttons, typing, mouse strokes and drags.

#include "UiTestSupport.h"
#include "ui/Theme.h"
#include "ui/canvas/BrushTool.h"
#include "ui/canvas/CanvasView.h"
#include "ui/canvas/ToolPalette.h"
#include "ui/document/DocumentController.h"
#include "ui/files/FileActions.h"
#include "ui/generation/GenerationController.h"
#include "ui/generation/GenerationSession.h"
#include "ui/panels/GenerationPanel.h"
#include "ui/panels/PromptEdit.h"
#include "ui/panels/RegionEditor.h"
#include "ui/panels/RegionsPanel.h"
#include "ui/panels/ResultsStrip.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTest>
#include <QToolBar>
#include <QToolButton>

using namespace md;

namespace {

QString walkthroughDir()
{
    return test::outputDir("MD_WALKTHROUGH_DIR", "walkthrough");
}

QString plain(QString text)
{
    return text.remove('&');
}

} // namespace

class WalkthroughTest : public QObject
{
    Q_OBJECT
private:
    MainWindow* m_window = nullptr;

    DocumentController* doc() const { return m_window->document(); }
    CanvasView* canvas() const { return m_window->canvas(); }

    void shot(const QString& name)
    {
        QTest::qWait(60); // let pending paints and layouts land
        const QString path = walkthroughDir() + "/" + name + ".png";
        QVERIFY(m_window->grab().toImage().save(path));
        qInfo("screenshot %s", qPrintable(path));
    }

    QAction* menuAction(const QString& menu, const QString& text) const
    {
        for (QAction* top : m_window->menuBar()->actions())
            if (plain(top->text()) == menu && top->menu())
                for (QAction* a : top->menu()->actions())
                    if (plain(a->text()) == text)
                        return a;
        return nullptr;
    }

    void clickToolButton(const QString& text)
    {
        auto* bar = m_window->findChild<QToolBar*>("toolsToolBar");
        QVERIFY(bar);
        for (QAction* a : bar->actions())
            if (plain(a->text()) == text || plain(a->iconText()) == text) {
                QWidget* button = bar->widgetForAction(a);
                QVERIFY(button);
                QTest::mouseClick(button, Qt::LeftButton);
                return;
            }
        QFAIL(qPrintable("no tool button " + text));
    }

    void type(QWidget* field, const QString& text)
    {
        field->setFocus(Qt::MouseFocusReason);
        QTest::keyClick(field, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(field, text);
    }

    void drag(QPointF from, QPointF to)
    {
        QTest::mousePress(canvas(), Qt::LeftButton, {},
                          test::widgetPoint(canvas(), from.x(), from.y()));
        for (int i = 1; i <= 12; ++i) {
            const QPointF p = from + (to - from) * (i / 12.0);
            QTest::mouseMove(canvas(), test::widgetPoint(canvas(), p.x(), p.y()));
        }
        QTest::mouseRelease(canvas(), Qt::LeftButton, {},
                            test::widgetPoint(canvas(), to.x(), to.y()));
    }

    // Waits for the generation to end; returns the seconds it took.
    double generate(bool catchPreview)
    {
        int step = 0, total = 0;
        auto c1 = connect(m_window->generation(), &GenerationController::previewChanged, this,
                          [&](const QImage&, int s, int t) {
                              step = s;
                              total = t;
                          });
        const size_t before = doc()->project().results.size();
        QElapsedTimer clock;
        clock.start();
        QTest::mouseClick(m_window->generationPanel()->generateButton(), Qt::LeftButton);
        if (catchPreview) {
            // A preview about a third of the way: the picture is there, not yet final.
            (void)QTest::qWaitFor(
                [&] {
                    return (total > 0 && step * 3 >= total) ||
                           doc()->project().results.size() > before;
                },
                600000);
            if (doc()->project().results.size() == before)
                shot("04-generating-live-preview");
            else
                qWarning("the generation ended before a preview could be caught");
        }
        const bool done =
            QTest::qWaitFor([&] { return doc()->project().results.size() > before; }, 600000);
        disconnect(c1);
        return done ? clock.elapsed() / 1000.0 : -1.0;
    }

private Q_SLOTS:
    void artistWalkthrough()
    {
        const QString model = test::testModelPath();
        if (model.isEmpty())
            QSKIP("no model to generate with");
        applyTheme(*qApp);
        test::UiTestEnvironment env;
        MainWindow window(env.settings.get());
        m_window = &window;
        window.files()->setInteractive(false);
        window.resize(1600, 940);
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.session()->chooseModel(model); // what start-up does with the embedded model
        QTRY_VERIFY_WITH_TIMEOUT(
            window.generation()->modelState() != GenerationController::ModelState::Loading, 300000);
        QCOMPARE(window.generation()->modelState(), GenerationController::ModelState::Ready);

        // File > New, then Landscape 768 x 512 from the size list.
        QAction* newAction = menuAction("File", "New");
        QVERIFY(newAction);
        newAction->trigger();
        auto* preset = window.findChild<QComboBox*>("sizePreset");
        QVERIFY(preset);
        preset->setFocus(Qt::MouseFocusReason);
        while (doc()->project().width != 768 && preset->currentIndex() < preset->count() - 1)
            QTest::keyClick(preset, Qt::Key_Down);
        QCOMPARE(doc()->project().width, 768);
        QCOMPARE(doc()->project().height, 512);
        RegionsPanel* regions = window.regionsPanel();
        type(regions->backgroundPrompt(), "a blue sky");
        QCOMPARE(doc()->project().prompt, std::string("a blue sky"));
        menuAction("View", "Fit to Window")->trigger();
        shot("01-new-project-with-tools");

        // A painted region over the bottom third: Edit > Add Painted Region, name and prompt,
        // then brush strokes with the mouse.
        menuAction("Edit", "Add Painted Region")->trigger();
        const std::uint32_t grass = doc()->currentRegionId();
        QVERIFY(grass != 0);
        type(regions->editor()->nameEdit(), "Grass");
        type(regions->editor()->promptEdit(), "green grass");
        clickToolButton("Brush");
        window.tools()->brush()->setDiameter(90);
        window.tools()->brush()->setHardness(0.8f);
        for (double y = 370; y <= 500; y += 40) {
            QTest::mousePress(canvas(), Qt::LeftButton, {}, test::widgetPoint(canvas(), -20, y));
            for (double x = 0; x <= 790; x += 15)
                QTest::mouseMove(canvas(), test::widgetPoint(canvas(), x, y));
            QTest::mouseRelease(canvas(), Qt::LeftButton, {}, test::widgetPoint(canvas(), 790, y));
        }
        const ProjectRegion* painted = doc()->model()->region(grass);
        QVERIFY(painted->mask.values[size_t(450) * 768 + 384] > 0.9f);
        QVERIFY(painted->mask.values[size_t(200) * 768 + 384] < 0.1f);
        QTest::mouseMove(canvas(), test::widgetPoint(canvas(), 420, 300));
        shot("02-painted-grass");

        // Two boxes drawn with the box tool, each named and prompted.
        clickToolButton("Box");
        drag({560, 36}, {720, 180});
        const std::uint32_t sun = doc()->currentRegionId();
        QVERIFY(sun != grass);
        type(regions->editor()->nameEdit(), "Sun");
        type(regions->editor()->promptEdit(), "a yellow sun");
        drag({110, 220}, {330, 420});
        const std::uint32_t house = doc()->currentRegionId();
        QVERIFY(house != sun && house != grass);
        type(regions->editor()->nameEdit(), "House");
        type(regions->editor()->promptEdit(), "a red house");
        QCOMPARE(toGenerateRequest(doc()->project()).regions.size(), size_t(3));
        shot("03-three-regions");

        // Generate (a live preview on the way), then look at the result.
        const double first = generate(true);
        QVERIFY(first > 0);
        menuAction("View", "Result and Masks")->trigger();
        shot("05-result-with-masks");
        menuAction("View", "Result Only")->trigger();
        shot("06-result-alone");

        // Another seed: the history strip holds both.
        menuAction("View", "Result and Masks")->trigger();
        const double second = generate(false);
        QVERIFY(second > 0);
        QCOMPARE(doc()->project().results.size(), size_t(2));
        QVERIFY(doc()->project().results[0].seed != doc()->project().results[1].seed);
        QCOMPARE(window.resultsStrip()->list()->count(), 2);
        shot("07-history-two-seeds");
        qInfo("768x512, three regions, %d steps: %.1f s and %.1f s",
              doc()->project().settings.steps, first, second);
        m_window = nullptr;
    }
};

QTEST_MAIN(WalkthroughTest)
#include "WalkthroughTest.moc"

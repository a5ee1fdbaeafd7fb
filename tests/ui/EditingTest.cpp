// Editing through the real widgets: strokes, boxes, prompts, undo and its memory limit.

#include "UiTestSupport.h"
#include "ui/ImageConversion.h"
#include "ui/canvas/BoxTool.h"
#include "ui/canvas/BrushTool.h"
#include "ui/canvas/CanvasView.h"
#include "ui/canvas/ToolPalette.h"
#include "ui/document/DocumentController.h"
#include "ui/document/UndoHistory.h"
#include "ui/panels/GenerationPanel.h"
#include "ui/panels/PromptEdit.h"
#include "ui/panels/RegionEditor.h"
#include "ui/panels/RegionsPanel.h"
#include "ui/panels/ResultsStrip.h"

#include <QElapsedTimer>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

using namespace md;

using test::maskAt;
using test::maskSum;

class EditingTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<test::TestWindow> m_open;

    MainWindow* window() const { return &m_open->window; }

    DocumentController* doc() const { return window()->document(); }
    CanvasView* canvas() const { return window()->canvas(); }

    void stroke(const QList<QPointF>& canvasPoints) { test::drag(canvas(), canvasPoints); }

private Q_SLOTS:
    void init()
    {
        m_open = std::make_unique<test::TestWindow>();
        QVERIFY(m_open->ready());
    }

    void cleanup() { m_open.reset(); }

    void strokePaintsTheSelectedRegionAndUndoRestoresIt()
    {
        const std::uint32_t first = doc()->addMaskRegion();
        const std::uint32_t second = doc()->addMaskRegion();
        doc()->setCurrentRegion(first); // select through the list, as a user would
        QListWidget* list = window()->regionsPanel()->list();
        for (int i = 0; i < list->count(); ++i)
            if (list->item(i)->data(Qt::UserRole).toUInt() == second)
                list->setCurrentRow(i);
        QCOMPARE(doc()->currentRegionId(), second);

        window()->tools()->setTool(ToolPalette::Tool::Brush);
        window()->tools()->brush()->setDiameter(30);
        window()->tools()->brush()->setHardness(1.0);
        const int undoBefore = doc()->undoStack()->count();
        stroke({{100, 100}, {200, 110}, {300, 300}});

        const ProjectRegion* painted = doc()->model()->region(second);
        const ProjectRegion* other = doc()->model()->region(first);
        QVERIFY(painted && other);
        QCOMPARE(maskAt(*painted, 100, 100), 1.f);
        QCOMPARE(maskAt(*painted, 200, 110), 1.f);
        QCOMPARE(maskAt(*painted, 250, 205), 1.f); // on the line between the last two points
        QCOMPARE(maskAt(*painted, 400, 100), 0.f);
        QCOMPARE(maskSum(*other), 0.0);
        QCOMPARE(doc()->undoStack()->count(), undoBefore + 1); // one stroke, one step
        QVERIFY(doc()->isDirty());

        doc()->undoStack()->undo();
        QCOMPARE(maskSum(*doc()->model()->region(second)), 0.0);
        doc()->undoStack()->redo();
        QCOMPARE(maskAt(*doc()->model()->region(second), 200, 110), 1.f);
    }

    void strokeIsContinuousWhenZoomedIn()
    {
        const std::uint32_t id = doc()->addMaskRegion();
        canvas()->setZoom(8.0, QPointF(canvas()->width() / 2.0, canvas()->height() / 2.0));
        window()->tools()->brush()->setDiameter(3);
        window()->tools()->brush()->setHardness(1.0);
        // A fast drag: two mouse events 60 canvas pixels apart.
        const QPointF c =
            canvas()->widgetToCanvas(QPointF(canvas()->width() / 2.0, canvas()->height() / 2.0));
        stroke({c - QPointF(30, 0), c + QPointF(30, 0)});
        const ProjectRegion* r = doc()->model()->region(id);
        const int y = int(c.y());
        for (int x = int(c.x()) - 28; x <= int(c.x()) + 28; ++x)
            QVERIFY2(maskAt(*r, x, y) > 0.5f, qPrintable(QString("gap at x=%1").arg(x)));
    }

    void eraserRemovesPaint()
    {
        const std::uint32_t id = doc()->addMaskRegion();
        doc()->fillRegion(id);
        QTest::keyClick(canvas(), Qt::Key_E);
        QCOMPARE(window()->tools()->tool(), ToolPalette::Tool::Eraser);
        window()->tools()->brush()->setDiameter(40);
        stroke({{50, 50}, {150, 50}});
        const ProjectRegion* r = doc()->model()->region(id);
        QCOMPARE(maskAt(*r, 100, 50), 0.f);
        QCOMPARE(maskAt(*r, 100, 200), 1.f);
        QTest::keyClick(canvas(), Qt::Key_B);
        QCOMPARE(window()->tools()->tool(), ToolPalette::Tool::Brush);
    }

    void bracketsChangeBrushSizeAndHardness()
    {
        BrushTool* brush = window()->tools()->brush();
        brush->setDiameter(40);
        brush->setHardness(0.5f);
        QTest::keyClick(canvas(), Qt::Key_BracketRight);
        QVERIFY(brush->diameter() > 40);
        QTest::keyClick(canvas(), Qt::Key_BracketLeft);
        QTest::keyClick(canvas(), Qt::Key_BracketLeft);
        QVERIFY(brush->diameter() < 40);
        QTest::keyClick(canvas(), Qt::Key_BraceRight, Qt::ShiftModifier);
        QVERIFY(brush->hardness() > 0.55f);
    }

    void boxIsDrawnMovedAndUndone()
    {
        QTest::keyClick(canvas(), Qt::Key_U);
        QCOMPARE(window()->tools()->tool(), ToolPalette::Tool::Box);
        stroke({{64, 64}, {150, 120}, {256, 192}});
        QCOMPARE(doc()->project().regions.size(), size_t(1));
        const ProjectRegion& box = doc()->project().regions.front();
        QCOMPARE(box.kind, RegionKind::Box);
        QCOMPARE(box.box.x, 64);
        QCOMPARE(box.box.y, 64);
        QCOMPARE(box.box.width, 192);
        QCOMPARE(box.box.height, 128);
        const std::uint32_t id = box.id;
        const int steps = doc()->undoStack()->count();

        // Drag from inside the box: every mouse move is an edit, the drag one undo step.
        stroke({{128, 128}, {140, 140}, {160, 150}, {192, 160}});
        const ProjectRegion* moved = doc()->model()->region(id);
        QCOMPARE(moved->box.x, 128);
        QCOMPARE(moved->box.y, 96);
        QCOMPARE(moved->box.width, 192);
        QCOMPARE(doc()->undoStack()->count(), steps + 1);

        // Resize from the bottom-right handle.
        stroke({{320, 224}, {352, 256}});
        QCOMPARE(doc()->model()->region(id)->box.width, 224);
        QCOMPARE(doc()->model()->region(id)->box.height, 160);

        doc()->undoStack()->undo(); // resize
        doc()->undoStack()->undo(); // move
        QCOMPARE(doc()->model()->region(id)->box.x, 64);
        QCOMPARE(doc()->model()->region(id)->box.y, 64);
        doc()->undoStack()->undo(); // creation
        QVERIFY(doc()->project().regions.empty());
    }

    void promptEditReachesTheRequest()
    {
        const std::uint32_t id = doc()->addMaskRegion();
        doc()->fillRegion(id);
        RegionsPanel* panel = window()->regionsPanel();
        panel->backgroundPrompt()->setFocus();
        QTest::keyClicks(panel->backgroundPrompt(), "a misty valley");
        QTest::keyClicks(panel->editor()->promptEdit(), "a red fox");
        QTest::keyClicks(panel->editor()->negativeEdit(), "blurry");

        const GenerateRequest request = toGenerateRequest(doc()->project());
        QCOMPARE(QString::fromStdString(request.prompt), QString("a misty valley"));
        QCOMPARE(request.regions.size(), size_t(1));
        QCOMPARE(QString::fromStdString(request.regions[0].prompt), QString("a red fox"));
        QCOMPARE(QString::fromStdString(request.regions[0].negative), QString("blurry"));

        // Typing merges into one undo step per field; undo goes back to empty.
        doc()->undoStack()->undo();
        QCOMPARE(QString::fromStdString(doc()->model()->region(id)->negative), QString());
        QCOMPARE(panel->editor()->negativeEdit()->text(), QString());
        QCOMPARE(QString::fromStdString(doc()->model()->region(id)->prompt), QString("a red fox"));

        // A hidden region is left out of the request.
        doc()->setRegionVisible(id, false);
        QVERIFY(toGenerateRequest(doc()->project()).regions.empty());
    }

    void regionsAreAddedDuplicatedReorderedAndRemoved()
    {
        const std::uint32_t a = doc()->addMaskRegion();
        doc()->setRegionPrompt(a, "first");
        const std::uint32_t b = doc()->duplicateRegion(a);
        QCOMPARE(doc()->project().regions.size(), size_t(2));
        QCOMPARE(doc()->model()->region(b)->prompt, std::string("first"));
        QVERIFY(!(doc()->model()->region(b)->colour == doc()->model()->region(a)->colour));
        doc()->moveRegion(b, -1);
        QCOMPARE(doc()->project().regions.front().id, b);
        doc()->removeRegion(a);
        QCOMPARE(doc()->project().regions.size(), size_t(1));
        doc()->undoStack()->undo();
        QCOMPARE(doc()->project().regions.size(), size_t(2));
        QCOMPARE(doc()->project().regions.back().id, a);
        QCOMPARE(window()->regionsPanel()->list()->count(), 2);
    }

    void redoHasBothShortcuts()
    {
        const std::uint32_t id = doc()->addMaskRegion();
        doc()->fillRegion(id);
        QTest::keyClick(window(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(maskSum(*doc()->model()->region(id)), 0.0);
        QTest::keyClick(window(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(maskSum(*doc()->model()->region(id)) > 0.0);
        QTest::keyClick(window(), Qt::Key_Z, Qt::ControlModifier);
        QTest::keyClick(window(), Qt::Key_Y, Qt::ControlModifier);
        QVERIFY(maskSum(*doc()->model()->region(id)) > 0.0);
    }

    void undoHistoryIsLimitedByMemory()
    {
        const std::uint32_t id = doc()->addMaskRegion();
        const size_t fullCanvas = size_t(512) * 512 * sizeof(float) * 2; // before + after
        doc()->undoStack()->setByteBudget(fullCanvas * 5 + fullCanvas / 2);
        for (int i = 0; i < 12; ++i) {
            MaskImage m = blankMask(512, 512);
            std::fill(m.values.begin(), m.values.end(), float(i + 1) / 16.f);
            doc()->replaceMask(id, m, "step");
        }
        UndoHistory* history = doc()->undoStack();
        QVERIFY2(
            history->totalBytes() <= history->byteBudget(),
            qPrintable(QString("%1 > %2").arg(history->totalBytes()).arg(history->byteBudget())));
        QCOMPARE(history->count(), 5);
        // The newest steps still undo correctly, in order.
        history->undo();
        QCOMPARE(maskAt(*doc()->model()->region(id), 10, 10), 11.f / 16.f);
        history->undo();
        QCOMPARE(maskAt(*doc()->model()->region(id), 10, 10), 10.f / 16.f);
        history->redo();
        history->redo();
        QCOMPARE(maskAt(*doc()->model()->region(id), 10, 10), 12.f / 16.f);
        QVERIFY(doc()->isDirty()); // the saved state was trimmed away: never clean again
    }

    void strokeOnAWidePanoramaStaysInteractive()
    {
        doc()->setCanvasSize(4096, 1024);
        for (int i = 0; i < 4; ++i)
            doc()->fillRegion(doc()->addMaskRegion());
        const std::uint32_t id = doc()->addMaskRegion();
        canvas()->fitToWindow();
        window()->tools()->setTool(ToolPalette::Tool::Brush);
        window()->tools()->brush()->setDiameter(120);
        canvas()->repaint(); // overlays built before timing
        QElapsedTimer clock;
        clock.start();
        QTest::mousePress(canvas(), Qt::LeftButton, {}, test::widgetPoint(canvas(), 200, 500));
        qint64 worst = 0;
        for (int i = 1; i <= 100; ++i) {
            QElapsedTimer event;
            event.start();
            QTest::mouseMove(canvas(),
                             test::widgetPoint(canvas(), 200 + i * 36, 500 + (i % 7) * 20));
            QCoreApplication::processEvents(); // the repaint of the dirty rectangle
            worst = std::max(worst, event.elapsed());
        }
        QTest::mouseRelease(canvas(), Qt::LeftButton, {}, test::widgetPoint(canvas(), 3800, 500));
        const qint64 total = clock.elapsed();
        qInfo("4096x1024 canvas, 5 regions: 100 stroke moves in %lld ms (worst %lld ms)", total,
              worst);
        QVERIFY(maskSum(*doc()->model()->region(id)) > 0);
        QVERIFY2(worst < 250, "a mouse move took longer than a quarter second");
    }

    void historyShowsAResultAndRestoresItsSettings()
    {
        GenerationSettings s = doc()->project().settings;
        s.steps = 33;
        s.cfg = 4.5f;
        doc()->setSettings(s);
        QImage image(512, 512, QImage::Format_RGB888);
        image.fill(QColor(10, 200, 30));
        doc()->addResult(makeResult(doc()->project(), toRgbImage(image), 99));
        s.steps = 20;
        s.seedMode = SeedMode::Random;
        doc()->setSettings(s);

        ResultsStrip* strip = window()->resultsStrip();
        QCOMPARE(strip->list()->count(), 1);
        strip->list()->setCurrentRow(0);
        QCOMPARE(canvas()->baseImage().pixelColor(5, 5), QColor(10, 200, 30));
        strip->findChild<QToolButton*>("useSettings")->click();
        QCOMPARE(doc()->project().settings.steps, 33);
        QCOMPARE(doc()->project().settings.cfg, 4.5f);
        QCOMPARE(doc()->project().settings.seed, std::uint64_t(99));
        QCOMPARE(doc()->project().settings.seedMode, SeedMode::Fixed);
        QCOMPARE(window()->generationPanel()->seedEdit()->text(), QString("99"));
    }

    void canvasSizeChangeScalesMasksAndUndoes()
    {
        doc()->setCanvasResize(CanvasResize::scale());
        const std::uint32_t id = doc()->addMaskRegion();
        doc()->fillRegion(id);
        doc()->setCanvasSize(1024, 512);
        QCOMPARE(doc()->project().width, 1024);
        QCOMPARE(doc()->model()->region(id)->mask.width, 1024);
        QCOMPARE(maskAt(*doc()->model()->region(id), 1000, 500), 1.f);
        doc()->undoStack()->undo();
        QCOMPARE(doc()->project().width, 512);
        QCOMPARE(doc()->model()->region(id)->mask.width, 512);

        // Stepping through sizes is one undo step, scaled from the original masks.
        MaskImage soft = blankMask(512, 512);
        for (size_t i = 0; i < soft.values.size(); ++i)
            soft.values[i] = float(i % 512) / 511.f;
        doc()->replaceMask(id, soft, "soft");
        const int steps = doc()->undoStack()->count();
        for (int w : {520, 528, 536, 512})
            doc()->setCanvasSize(w, 512);
        QCOMPARE(doc()->undoStack()->count(), steps + 1);
        QCOMPARE(doc()->model()->region(id)->mask.values, soft.values);
        doc()->undoStack()->undo();
        QCOMPARE(doc()->project().width, 512);
        QCOMPARE(doc()->model()->region(id)->mask.values, soft.values);
    }
};

QTEST_MAIN(EditingTest)
#include "EditingTest.moc"

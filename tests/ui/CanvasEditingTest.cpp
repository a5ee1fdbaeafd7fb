// Issue 16's canvas items, each through real key and mouse events on the offscreen platform:
// the brush-hardness keys, painting with a box selected, deselecting in the region list,
// box handles on every box, Delete and Backspace on a box, the canvas size with an anchor and
// a mask file of another size.

#include "UiTestSupport.h"
#include "ui/canvas/BrushTool.h"
#include "ui/canvas/CanvasView.h"
#include "ui/canvas/ToolPalette.h"
#include "ui/document/DocumentController.h"
#include "ui/document/UndoHistory.h"
#include "ui/files/FileActions.h"
#include "ui/panels/GenerationPanel.h"
#include "ui/panels/RegionEditor.h"
#include "ui/panels/RegionsPanel.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QListWidget>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QTimer>

using namespace md;
using test::maskAt;
using test::maskSum;

namespace {

// Clicks the button with `text` on the next modal dialog that opens.
void answerNextDialog(const QString& text)
{
    QTimer::singleShot(0, [text] {
        QWidget* dialog = QApplication::activeModalWidget();
        QVERIFY(dialog);
        for (QAbstractButton* b : dialog->findChildren<QAbstractButton*>())
            if (b->text() == text) {
                QTest::mouseClick(b, Qt::LeftButton);
                return;
            }
        QFAIL(qPrintable("no button " + text));
    });
}

} // namespace

class CanvasEditingTest : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TestWindow> m_open;

    MainWindow* window() const { return &m_open->window; }
    DocumentController* doc() const { return window()->document(); }
    CanvasView* canvas() const { return window()->canvas(); }
    BrushTool* brush() const { return window()->tools()->brush(); }
    void drag(const QList<QPointF>& points) { test::drag(canvas(), points); }

    std::uint32_t drawBox(QPointF from, QPointF to)
    {
        QTest::keyClick(canvas(), Qt::Key_U);
        drag({from, (from + to) / 2, to});
        return doc()->currentRegionId();
    }

private Q_SLOTS:
    void init()
    {
        m_open = std::make_unique<test::TestWindow>();
        QVERIFY(m_open->ready());
        canvas()->setFocus();
    }

    void cleanup() { m_open.reset(); }

    // The bug: Shift+[ and Shift+] did nothing on X11 ("Ambiguous shortcut overload").
    void shiftBracketsChangeHardnessThroughKeyEvents()
    {
        QTest::failOnWarning(QRegularExpression("Ambiguous shortcut"));
        brush()->setDiameter(40);
        brush()->setHardness(0.5f);
        QTest::keyClick(window(), Qt::Key_BracketRight, Qt::ShiftModifier);
        QCOMPARE(brush()->hardness(), 0.6f);
        QTest::keyClick(window(), Qt::Key_BracketLeft, Qt::ShiftModifier);
        QTest::keyClick(window(), Qt::Key_BracketLeft, Qt::ShiftModifier);
        QCOMPARE(brush()->hardness(), 0.4f);
        // Where the platform sends the shifted symbol itself ('{', '}'), with or without Shift.
        QTest::keyClick(window(), Qt::Key_BraceRight, Qt::ShiftModifier);
        QCOMPARE(brush()->hardness(), 0.5f);
        QTest::keyClick(canvas(), Qt::Key_BraceRight);
        QCOMPARE(brush()->hardness(), 0.6f);
        QTest::keyClick(canvas(), Qt::Key_BraceLeft, Qt::ShiftModifier);
        QCOMPARE(brush()->hardness(), 0.5f);
        QCOMPARE(brush()->diameter(), 40.f); // the size keys were not touched
        QTest::keyClick(window(), Qt::Key_BracketRight);
        QVERIFY(brush()->diameter() > 40.f);
        QCOMPARE(brush()->hardness(), 0.5f);
    }

    // X11's key mapper offers Shift+] to the shortcut map as both "Shift+]" and "}": exactly
    // one shortcut in the window may match either, or Qt fires none.
    void eachBracketKeyMatchesOneShortcutWhateverTheKeyboardSends()
    {
        const QList<QList<QKeySequence>> presses = {
            {QKeySequence(Qt::SHIFT | Qt::Key_BracketRight), QKeySequence(Qt::Key_BraceRight),
             QKeySequence(Qt::SHIFT | Qt::Key_BraceRight)},
            {QKeySequence(Qt::SHIFT | Qt::Key_BracketLeft), QKeySequence(Qt::Key_BraceLeft),
             QKeySequence(Qt::SHIFT | Qt::Key_BraceLeft)},
            {QKeySequence(Qt::Key_BracketRight)},
            {QKeySequence(Qt::Key_BracketLeft)},
        };
        for (const QList<QKeySequence>& candidates : presses) {
            int matches = 0;
            for (const QAction* a : window()->findChildren<QAction*>())
                for (const QKeySequence& s : a->shortcuts())
                    matches += int(candidates.contains(s));
            QVERIFY2(matches == 1, qPrintable(candidates.first().toString() + ": " +
                                              QString::number(matches) + " shortcuts"));
        }
    }

    // Item 1: painting with a box selected starts a painted region; the stroke is kept.
    void paintingWithABoxSelectedStartsAPaintedRegion()
    {
        const std::uint32_t box = drawBox({64, 64}, {256, 192});
        QCOMPARE(doc()->model()->region(box)->kind, RegionKind::Box);
        QTest::keyClick(canvas(), Qt::Key_B);
        brush()->setDiameter(30);
        brush()->setHardness(1.0f);
        QSignalSpy messages(window()->tools(), &ToolPalette::message);
        drag({{100, 300}, {200, 300}, {300, 320}});
        QCOMPARE(doc()->project().regions.size(), size_t(2));
        const ProjectRegion* painted = doc()->currentRegion();
        QVERIFY(painted && painted->id != box);
        QCOMPARE(painted->kind, RegionKind::Mask);
        QCOMPARE(maskAt(*painted, 150, 300), 1.f);
        QCOMPARE(doc()->model()->region(box)->box.width, 192); // the box is unchanged
        QVERIFY(!messages.isEmpty());
        QVERIFY(messages.last().first().toString().contains("new region"));
        // The next stroke goes into the same painted region.
        drag({{100, 400}, {200, 400}});
        QCOMPARE(doc()->project().regions.size(), size_t(2));
        QCOMPARE(maskAt(*doc()->model()->region(painted->id), 150, 400), 1.f);
    }

    // Item 1: a click on the list's empty space deselects: the editor and the brush stop
    // acting on the old region.
    void clickingEmptySpaceInTheRegionListDeselects()
    {
        const std::uint32_t first = doc()->addMaskRegion();
        QListWidget* list = window()->regionsPanel()->list();
        QCOMPARE(doc()->currentRegionId(), first);
        QVERIFY(window()->regionsPanel()->editor()->isEnabled());
        const QPoint empty(10, list->viewport()->height() - 5);
        QVERIFY(!list->itemAt(empty));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, empty);
        QCOMPARE(doc()->currentRegionId(), std::uint32_t(0));
        QVERIFY(!list->currentItem());
        QVERIFY(!window()->regionsPanel()->editor()->isEnabled());

        QTest::keyClick(canvas(), Qt::Key_B);
        drag({{100, 100}, {200, 100}});
        QCOMPARE(maskSum(*doc()->model()->region(first)), 0.0); // not painted into
        QCOMPARE(doc()->project().regions.size(), size_t(2));
        // Clicking an item selects again.
        const QRect firstRow = list->visualItemRect(list->item(list->count() - 1));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, firstRow.center());
        QCOMPARE(doc()->currentRegionId(), first);
    }

    // Item 6: every box has handles; dragging another box's corner resizes that box.
    void draggingAnotherBoxsCornerResizesIt()
    {
        const std::uint32_t a = drawBox({64, 64}, {192, 192});
        const std::uint32_t b = drawBox({256, 256}, {384, 384});
        QCOMPARE(doc()->currentRegionId(), b);
        drag({{192, 192}, {210, 210}, {224, 224}}); // a's bottom-right corner
        QCOMPARE(doc()->project().regions.size(), size_t(2));
        QCOMPARE(doc()->currentRegionId(), a);
        QCOMPARE(doc()->model()->region(a)->box.width, 160);
        QCOMPARE(doc()->model()->region(a)->box.height, 160);
        QCOMPARE(doc()->model()->region(a)->box.x, 64);
        QCOMPARE(doc()->model()->region(b)->box.width, 128);
    }

    // Item 6: Delete deletes the selected box (one undo step); Backspace says why it does not
    // clear one; on a painted region Delete clears the painting.
    void deleteAndBackspaceOnABox()
    {
        const std::uint32_t keep = drawBox({64, 64}, {192, 192});
        const std::uint32_t gone = drawBox({256, 256}, {384, 384});
        QSignalSpy notices(doc(), &DocumentController::notice);
        QTest::keyClick(window(), Qt::Key_Backspace);
        QCOMPARE(notices.count(), 1);
        QVERIFY(notices.first().first().toString().contains("Delete removes"));
        QVERIFY(doc()->model()->region(gone));

        const int steps = doc()->undoStack()->count();
        QTest::keyClick(canvas(), Qt::Key_Delete);
        QVERIFY(!doc()->model()->region(gone));
        QVERIFY(doc()->model()->region(keep));
        QCOMPARE(doc()->undoStack()->count(), steps + 1);
        doc()->undoStack()->undo();
        QVERIFY(doc()->model()->region(gone));

        const std::uint32_t painted = doc()->addMaskRegion();
        doc()->fillRegion(painted);
        QTest::keyClick(window(), Qt::Key_Delete);
        QVERIFY(doc()->model()->region(painted));
        QCOMPARE(maskSum(*doc()->model()->region(painted)), 0.0);
    }

    // Item 2: a bigger canvas extends around the anchor (new area empty, nothing stretched),
    // typed into the width field: one undo step.
    void widerCanvasExtendsAroundTheChosenAnchor()
    {
        const std::uint32_t id = doc()->addMaskRegion();
        doc()->fillRegion(id);
        const std::uint32_t box = doc()->addBoxRegion(Box{64, 64, 128, 128});
        auto* mode = window()->findChild<QComboBox*>("canvasResizeMode");
        QVERIFY(mode);
        QCOMPARE(mode->currentText(), QString("Extend or crop"));
        auto* right = window()->findChild<QAbstractButton*>("canvasAnchor21"); // right, middle
        QVERIFY(right);
        QTest::mouseClick(right, Qt::LeftButton);
        QCOMPARE(doc()->canvasResize().anchorX, 2);

        auto* width = window()->findChild<QSpinBox*>("canvasWidth");
        QVERIFY(width);
        const int steps = doc()->undoStack()->count();
        width->setFocus();
        QTest::keyClick(width, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(width, "768");
        QTest::keyClick(width, Qt::Key_Return);
        QCOMPARE(doc()->project().width, 768);
        QCOMPARE(doc()->undoStack()->count(), steps + 1);
        const ProjectRegion* r = doc()->model()->region(id);
        QCOMPARE(r->mask.width, 768);
        QCOMPARE(maskAt(*r, 100, 100), 0.f); // new area, on the left: empty
        QCOMPARE(maskAt(*r, 255, 100), 0.f);
        QCOMPARE(maskAt(*r, 256, 100), 1.f); // the old canvas, pinned at the right
        QCOMPARE(maskAt(*r, 767, 511), 1.f);
        const Box b = doc()->model()->region(box)->box;
        QCOMPARE(b.x, 64 + 256);
        QCOMPARE(b.width, 128); // not stretched
        doc()->undoStack()->undo();
        QCOMPARE(doc()->project().width, 512);
        QCOMPARE(maskSum(*doc()->model()->region(id)), 512.0 * 512.0);

        // "Scale layout" from the list (keyboard), then a smaller canvas stretches instead.
        mode->setFocus();
        QTest::keyClick(mode, Qt::Key_Down);
        QCOMPARE(doc()->canvasResize().mode, CanvasResize::Mode::Scale);
        doc()->setCanvasSize(256, 512);
        QCOMPARE(doc()->model()->region(box)->box.width, 64);
    }

    // Item 2: cropping keeps what lies inside, a box that leaves the canvas is pulled in.
    void smallerCanvasCropsAroundTheCentre()
    {
        doc()->setCanvasResize(CanvasResize::anchored(1, 1));
        const std::uint32_t id = doc()->addMaskRegion();
        MaskImage left = blankMask(512, 512);
        for (int y = 0; y < 512; ++y)
            std::fill_n(left.values.begin() + y * 512, 256, 1.f);
        doc()->replaceMask(id, left, "left half");
        const std::uint32_t box = doc()->addBoxRegion(Box{0, 0, 64, 64});
        doc()->setCanvasSize(256, 256);
        const ProjectRegion* r = doc()->model()->region(id);
        QCOMPARE(maskAt(*r, 127, 10), 1.f); // old x 255
        QCOMPARE(maskAt(*r, 128, 10), 0.f); // old x 256
        const Box b = doc()->model()->region(box)->box;
        QCOMPARE(b.x, 0);
        QCOMPARE(b.y, 0);
        QCOMPARE(b.width, 64); // it lay wholly outside: back inside at its size
    }

    // Item 2: a mask file of another size asks how to fit it.
    void maskFileOfAnotherSizeAsksHowToFitIt()
    {
        QImage square(256, 256, QImage::Format_Grayscale8);
        square.fill(255);
        const QString path = m_open->env.path("square.png");
        QVERIFY(square.save(path));

        answerNextDialog("Cancel");
        QVERIFY(!window()->files()->importMaskFile(path));
        QVERIFY(doc()->project().regions.empty());

        answerNextDialog("Centre it");
        QVERIFY(window()->files()->importMaskFile(path));
        const ProjectRegion* centred = doc()->currentRegion();
        QVERIFY(centred);
        QCOMPARE(maskAt(*centred, 256, 256), 1.f);
        QCOMPARE(maskAt(*centred, 128, 128), 1.f);
        QCOMPARE(maskAt(*centred, 127, 127), 0.f);
        QCOMPARE(maskAt(*centred, 400, 400), 0.f);

        answerNextDialog("Scale to the canvas");
        QVERIFY(window()->files()->importMaskFile(path));
        QCOMPARE(maskAt(*doc()->currentRegion(), 10, 10), 1.f);
        QCOMPARE(doc()->project().regions.size(), size_t(2));
    }

    // Item 8: on a wrap-around panorama a box crosses the seam instead of stopping at it.
    void aBoxCrossesTheWrapSeamOfAPanorama()
    {
        doc()->setCanvasSize(1024, 256);
        canvas()->fitToWindow();
        const std::uint32_t id = drawBox({768, 64}, {960, 192});
        QCOMPARE(doc()->model()->region(id)->box.width, 192);
        drag({{800, 128}, {900, 128}, {1000, 128}});
        QCOMPARE(doc()->model()->region(id)->box.x, 1024 - 192); // flat: stops at the edge
        doc()->undoStack()->undo();

        GenerationSettings s = doc()->project().settings;
        s.circular = true;
        doc()->setSettings(s);
        drag({{800, 128}, {900, 128}, {1000, 128}});
        Box b = doc()->model()->region(id)->box;
        QCOMPARE(b.x, 968);
        QCOMPARE(b.width, 192); // 136 pixels of it continue from the left edge
        QVERIFY2(validate(doc()->project()).isOk(), validate(doc()->project()).message().c_str());
        const GenerateRequest request = toGenerateRequest(doc()->project());
        QCOMPARE(request.regions.size(), size_t(1));
        const MaskImage& m = request.regions[0].mask; // the engine gets both parts
        QCOMPARE(m.width, 1024);
        QCOMPARE(m.values[100 * 1024 + 1000], 1.f);
        QCOMPARE(m.values[100 * 1024 + 135], 1.f);
        QCOMPARE(m.values[100 * 1024 + 136], 0.f);
        QCOMPARE(m.values[100 * 1024 + 960], 0.f);

        // The part past the seam is grabbed at the left edge like the rest of the box.
        drag({{50, 128}, {100, 128}, {146, 128}});
        b = doc()->model()->region(id)->box;
        QCOMPARE(b.x, 40);
        QCOMPARE(doc()->project().regions.size(), size_t(1));
        QVERIFY(toGenerateRequest(doc()->project()).regions[0].box.has_value());
    }

    // Item 8: the tiled preview (W) shows the picture twice side by side.
    void tiledPreviewShowsThePictureTwice()
    {
        QImage picture(512, 512, QImage::Format_RGB888);
        for (int x = 0; x < 512; ++x)
            for (int y = 0; y < 512; ++y)
                picture.setPixelColor(x, y, QColor(x / 2, 255 - x / 2, y / 2));
        canvas()->setBaseImage(picture);
        QTest::keyClick(canvas(), Qt::Key_W);
        QVERIFY(canvas()->tiledPreview());
        QVERIFY(canvas()->canvasToWidget(QPointF(1024, 512)).x() <= canvas()->width());
        const QImage shot = canvas()->grab().toImage();
        for (int x : {20, 200, 490}) {
            const QColor a = shot.pixelColor(test::widgetPoint(canvas(), x, 256));
            const QColor b = shot.pixelColor(test::widgetPoint(canvas(), x + 512, 256));
            QVERIFY2(std::abs(a.red() - b.red()) <= 3 && std::abs(a.green() - b.green()) <= 3,
                     qPrintable(QString("x=%1: %2 vs %3").arg(x).arg(a.name(), b.name())));
        }
        QTest::keyClick(canvas(), Qt::Key_W);
        QVERIFY(!canvas()->tiledPreview());
    }
};

QTEST_MAIN(CanvasEditingTest)
#include "CanvasEditingTest.moc"

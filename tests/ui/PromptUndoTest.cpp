// Prompt fields and undo: while a prompt field has focus, Ctrl+Z / Ctrl+Shift+Z act on
// the field's own typing; the edits still reach the document as undoable commands, one
// per burst of typing, which the global undo (menu, Ctrl+Z on the canvas) undoes too.

#include "UiTestSupport.h"
#include "document/RegionPalette.h"
#include "ui/canvas/CanvasView.h"
#include "ui/canvas/ToolPalette.h"
#include "ui/commands/DocumentCommand.h"
#include "ui/document/DocumentController.h"
#include "ui/document/UndoHistory.h"
#include "ui/panels/PromptEdit.h"
#include "ui/panels/RegionEditor.h"
#include "ui/panels/RegionsPanel.h"

#include <QAction>
#include <QLineEdit>
#include <QTest>

using namespace md;

using test::maskSum;

class PromptUndoTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<test::TestWindow> m_open;

    MainWindow* window() const { return &m_open->window; }

    DocumentController* doc() const { return window()->document(); }
    RegionsPanel* panel() const { return window()->regionsPanel(); }
    QString regionPrompt(std::uint32_t id) const
    {
        return QString::fromStdString(doc()->model()->region(id)->prompt);
    }
    bool painted(std::uint32_t id) const { return maskSum(*doc()->model()->region(id)) > 0.0; }
    QAction* undoAction() const
    {
        for (QAction* a : window()->findChildren<QAction*>())
            if (a->shortcut() == QKeySequence(QKeySequence::Undo))
                return a;
        return nullptr;
    }
    void paintStroke()
    {
        CanvasView* canvas = window()->canvas();
        window()->tools()->setTool(ToolPalette::Tool::Brush);
        QTest::mousePress(canvas, Qt::LeftButton, {}, test::widgetPoint(canvas, 100, 100));
        QTest::mouseMove(canvas, test::widgetPoint(canvas, 300, 200));
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, test::widgetPoint(canvas, 300, 200));
    }
    void focus(QWidget* w)
    {
        w->setFocus(Qt::OtherFocusReason);
        QTRY_VERIFY(w->hasFocus());
    }

private Q_SLOTS:
    void init()
    {
        m_open = std::make_unique<test::TestWindow>();
        QVERIFY(m_open->ready());
    }

    void cleanup() { m_open.reset(); }

    void ctrlZInAPromptFieldUndoesTheTypingNotTheStroke()
    {
        const std::uint32_t id = doc()->addMaskRegion();
        paintStroke();
        QVERIFY(painted(id));
        const int steps = doc()->undoStack()->count();

        // An empty field with focus: Ctrl+Z does not reach the stroke.
        PromptEdit* negative = panel()->editor()->negativeEdit();
        focus(negative);
        QTest::keyClick(negative, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(painted(id));
        QCOMPARE(doc()->undoStack()->index(), steps);

        PromptEdit* prompt = panel()->editor()->promptEdit();
        focus(prompt);
        QTest::keyClicks(prompt, "a red fox");
        QCOMPARE(regionPrompt(id), QString("a red fox"));
        QCOMPARE(doc()->undoStack()->count(), steps + 1); // one step for the burst

        QTest::keyClick(prompt, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(prompt->text(), QString());
        QCOMPARE(regionPrompt(id), QString());
        QVERIFY(painted(id));
        QCOMPARE(doc()->undoStack()->count(), steps); // typed and undone: no step left

        QTest::keyClick(prompt, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(prompt->text(), QString("a red fox"));
        QCOMPARE(regionPrompt(id), QString("a red fox"));
        QTest::keyClick(prompt, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(regionPrompt(id), QString());
        QTest::keyClick(prompt, Qt::Key_Y, Qt::ControlModifier);
        QCOMPARE(regionPrompt(id), QString("a red fox"));
        QVERIFY(painted(id));
        QCOMPARE(doc()->undoStack()->count(), steps + 1);

        // On the canvas, Ctrl+Z is the document's: first the prompt, then the stroke.
        focus(window()->canvas());
        QTest::keyClick(window()->canvas(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(regionPrompt(id), QString());
        QCOMPARE(prompt->text(), QString());
        QVERIFY(painted(id));
        QTest::keyClick(window()->canvas(), Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!painted(id));
        QTest::keyClick(window()->canvas(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QTest::keyClick(window()->canvas(), Qt::Key_Y, Qt::ControlModifier);
        QVERIFY(painted(id));
        QCOMPARE(prompt->text(), QString("a red fox"));
    }

    void eachBurstOfTypingIsOneUndoStep()
    {
        const std::uint32_t id = doc()->addMaskRegion();
        const int steps = doc()->undoStack()->count();
        PromptEdit* prompt = panel()->editor()->promptEdit();
        PromptEdit* background = panel()->backgroundPrompt();

        // Leaving the field ends a burst.
        focus(prompt);
        QTest::keyClicks(prompt, "a red");
        focus(background);
        QTest::keyClicks(background, "a blue sky");
        focus(prompt);
        prompt->moveCursor(QTextCursor::End);
        QTest::keyClicks(prompt, " fox");
        QCOMPARE(regionPrompt(id), QString("a red fox"));
        QCOMPARE(doc()->undoStack()->count(), steps + 3);

        // So does a pause.
        DocumentCommand::setBurstGapMs(150);
        QTest::qWait(400);
        QTest::keyClicks(prompt, " runs");
        QTest::qWait(400);
        QTest::keyClicks(prompt, " fast");
        DocumentCommand::setBurstGapMs(2000);
        QCOMPARE(regionPrompt(id), QString("a red fox runs fast"));
        QCOMPARE(doc()->undoStack()->count(), steps + 5);

        // The menu's Undo walks back burst by burst, the fields follow.
        QAction* undo = undoAction();
        QVERIFY(undo);
        const QStringList expected = {"a red fox runs", "a red fox", "a red", "a red", ""};
        for (const QString& text : expected) {
            undo->trigger();
            QCOMPARE(regionPrompt(id), text);
            QCOMPARE(prompt->text(), text);
        }
        QCOMPARE(background->text(), QString());
        QCOMPARE(doc()->undoStack()->index(), steps);
    }

    void aColourWordInThePromptColoursTheRegion()
    {
        const std::uint32_t grass = doc()->addMaskRegion();
        const std::uint32_t sun = doc()->addMaskRegion();
        const Colour start = doc()->model()->region(sun)->colour;
        const int steps = doc()->undoStack()->count();
        PromptEdit* prompt = panel()->editor()->promptEdit();
        focus(prompt);
        QTest::keyClicks(prompt, "a yellow sun");
        const Colour yellow = RegionPalette::colour(3);
        QVERIFY(doc()->model()->region(sun)->colour == yellow);
        QCOMPARE(doc()->undoStack()->count(), steps + 1); // prompt and colour: one step
        QTest::keyClick(prompt, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(doc()->model()->region(sun)->colour == start);
        QCOMPARE(doc()->undoStack()->count(), steps);
        QTest::keyClick(prompt, Qt::Key_Y, Qt::ControlModifier);
        QVERIFY(doc()->model()->region(sun)->colour == yellow);
        undoAction()->trigger();
        QVERIFY(doc()->model()->region(sun)->colour == start);
        QTest::keyClicks(prompt, "a yellow sun");

        // A colour another region has is left alone, so are colours the user picked.
        doc()->setCurrentRegion(grass);
        focus(prompt);
        QTest::keyClicks(prompt, "yellow flowers");
        QVERIFY(!(doc()->model()->region(grass)->colour == yellow));
        const Colour picked{10, 20, 30};
        doc()->setRegionColour(grass, picked);
        focus(prompt);
        QTest::keyClick(prompt, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(prompt, "green grass");
        QVERIFY(doc()->model()->region(grass)->colour == picked);
        doc()->setRegionColour(grass, RegionPalette::colour(6));
        doc()->setRegionPrompt(grass, "lush green grass");
        QVERIFY(doc()->model()->region(grass)->colour == RegionPalette::colour(2));
    }

    // A project the CLI saved (projectFromRequest) has the app's palette colours: the region
    // colour its prompt names, and colours that keep following the prompt in the app.
    void aCliSavedProjectGetsAndKeepsPromptColours()
    {
        GenerateRequest request;
        request.width = 512;
        request.height = 512;
        request.prompt = "a farm";
        Region barn;
        barn.prompt = "a red barn";
        barn.box = Box{0, 0, 128, 128};
        Region field;
        field.prompt = "a field of wheat";
        field.box = Box{128, 128, 128, 128};
        Region roof;
        roof.prompt = "a red roof"; // red is taken: the next free colour
        roof.box = Box{256, 256, 128, 128};
        request.regions = {barn, field, roof};
        const Project cli = projectFromRequest(request, ModelReference{});
        QVERIFY(cli.regions[0].colour == *RegionPalette::named("red"));
        QVERIFY(RegionPalette::contains(cli.regions[1].colour));
        QVERIFY(RegionPalette::contains(cli.regions[2].colour));
        QVERIFY(!(cli.regions[2].colour == cli.regions[0].colour));
        QVERIFY(!(cli.regions[2].colour == cli.regions[1].colour));

        doc()->resetDocument(cli, QString());
        const std::uint32_t wheat = cli.regions[1].id;
        doc()->setCurrentRegion(wheat);
        PromptEdit* prompt = panel()->editor()->promptEdit();
        focus(prompt);
        QTest::keyClick(prompt, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(prompt, "golden wheat");
        QVERIFY(doc()->model()->region(wheat)->colour == *RegionPalette::named("yellow"));
    }

    void theNameFieldHasItsOwnUndoToo()
    {
        const std::uint32_t id = doc()->addMaskRegion();
        doc()->fillRegion(id);
        const std::string before = doc()->model()->region(id)->name;
        QLineEdit* name = panel()->editor()->nameEdit();
        focus(name);
        name->selectAll();
        QTest::keyClicks(name, "Meadow");
        QCOMPARE(doc()->model()->region(id)->name, std::string("Meadow"));
        QTest::keyClick(name, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(doc()->model()->region(id)->name, before);
        QVERIFY(painted(id));
        QTest::keyClick(name, Qt::Key_Y, Qt::ControlModifier);
        QCOMPARE(doc()->model()->region(id)->name, std::string("Meadow"));
        QVERIFY(painted(id));
    }

    void undoneTypingDoesNotMergeWithNewTyping()
    {
        const std::uint32_t id = doc()->addMaskRegion();
        PromptEdit* prompt = panel()->editor()->promptEdit();
        focus(prompt);
        QTest::keyClicks(prompt, "grass");
        undoAction()->trigger(); // from the menu, the field keeps focus
        QCOMPARE(regionPrompt(id), QString());
        const int steps = doc()->undoStack()->index();
        QTest::keyClicks(prompt, "sand");
        QCOMPARE(doc()->undoStack()->index(), steps + 1);
        undoAction()->trigger();
        QCOMPARE(regionPrompt(id), QString());
        QVERIFY(doc()->undoStack()->canUndo()); // the region's creation is still there
    }
};

QTEST_MAIN(PromptUndoTest)
#include "PromptUndoTest.moc"

// Each result in the history keeps the layout (masks and boxes) that made it: "Use settings"
// brings that layout back as one undo step, exporting an older result embeds its own masks
// (not today's), and both survive saving and reopening. Driven by mouse and key events.

#include "UiTestSupport.h"
#include "document/ProjectFile.h"
#include "ui/ImageConversion.h"
#include "ui/canvas/BrushTool.h"
#include "ui/canvas/ToolPalette.h"
#include "ui/document/DocumentController.h"
#include "ui/document/UndoHistory.h"
#include "ui/files/FileActions.h"
#include "ui/panels/PromptEdit.h"
#include "ui/panels/RegionsPanel.h"
#include "ui/panels/ResultsStrip.h"

#include <QApplication>
#include <QFileDialog>
#include <QLineEdit>
#include <QListWidget>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <cmath>
#include <numeric>

using namespace md;

namespace {

double maskSum(const MaskImage& m)
{
    return std::accumulate(m.values.begin(), m.values.end(), 0.0);
}

} // namespace

class HistoryLayoutTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<test::TestWindow> m_open;

    MainWindow* window() const { return &m_open->window; }

    DocumentController* doc() const { return window()->document(); }
    CanvasView* canvas() const { return window()->canvas(); }
    ResultsStrip* strip() const { return window()->resultsStrip(); }

    // Press at `from`, eight moves along the line, release at `to`.
    void stroke(QPointF from, QPointF to)
    {
        QList<QPointF> points{from};
        for (int i = 1; i <= 8; ++i)
            points.append(from + (to - from) * (i / 8.0));
        test::drag(canvas(), points);
    }

    // A result of the current project, as the generation session records it.
    std::uint32_t addResult(std::uint64_t seed, QColor colour)
    {
        QImage image(doc()->project().width, doc()->project().height, QImage::Format_RGB888);
        image.fill(colour);
        ProjectResult r = makeResult(doc()->project(), toRgbImage(image), seed);
        const std::uint32_t id = r.id;
        doc()->addResult(std::move(r));
        return id;
    }

    void clickResult(std::uint32_t id)
    {
        QListWidget* list = strip()->list();
        for (int i = 0; i < list->count(); ++i) {
            if (list->item(i)->data(Qt::UserRole).toUInt() != id)
                continue;
            const QRect rect = list->visualItemRect(list->item(i));
            QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
        }
        QCOMPARE(strip()->selectedResult(), id);
    }

    void clickButton(const char* name)
    {
        auto* button = strip()->findChild<QToolButton*>(name);
        QVERIFY(button && button->isEnabled());
        QTest::mouseClick(button, Qt::LeftButton);
    }

    // Paints region 1, types the background prompt, adds a box, makes result A; then
    // repaints, retypes and moves on, and makes result B. Returns {A, B}.
    std::pair<std::uint32_t, std::uint32_t> twoResults()
    {
        canvas()->setFocus();
        QTest::keyClick(canvas(), Qt::Key_Insert); // Add Painted Region
        const std::uint32_t region = doc()->currentRegionId();
        window()->tools()->setTool(ToolPalette::Tool::Brush);
        window()->tools()->brush()->setDiameter(40);
        window()->tools()->brush()->setHardness(1.0);
        stroke({60, 60}, {200, 60});
        PromptEdit* background = window()->regionsPanel()->backgroundPrompt();
        background->setFocus();
        QTest::keyClicks(background, "a harbour");
        const std::uint32_t a = addResult(11, QColor(200, 30, 30));

        canvas()->setFocus();
        doc()->setCurrentRegion(region);
        QTest::keyClick(canvas(), Qt::Key_B);
        stroke({60, 400}, {400, 400}); // a second stroke: the mask changed
        background->setFocus();
        QTest::keyClick(background, Qt::Key_End);
        QTest::keyClicks(background, " at night");
        doc()->addBoxRegion(Box{300, 100, 96, 64});
        const std::uint32_t b = addResult(22, QColor(30, 30, 200));
        return {a, b};
    }

private Q_SLOTS:
    void init()
    {
        m_open = std::make_unique<test::TestWindow>();
        QVERIFY(m_open->ready());
        window()->files()->setInteractive(false);
    }

    void cleanup() { m_open.reset(); }

    void useSettingsBringsBackTheLayoutInOneUndoStep()
    {
        const auto [a, b] = twoResults();
        const Project before = doc()->project();
        QCOMPARE(before.regions.size(), size_t(2));
        const std::uint32_t region = before.regions[0].id;
        const double laterSum = maskSum(before.regions[0].mask);
        const ProjectResult& resultA = before.results[0];
        QVERIFY(resultA.layout);
        QCOMPARE(resultA.layout->size(), size_t(1));
        const double earlierSum = maskSum(*resultA.layout->at(0).mask);
        QVERIFY(earlierSum > 0 && laterSum > earlierSum * 1.5);

        clickResult(a);
        const int undoBefore = doc()->undoStack()->count();
        clickButton("useSettings");
        const Project& now = doc()->project();
        QCOMPARE(now.prompt, std::string("a harbour"));
        QCOMPARE(now.regions.size(), size_t(1)); // the box came later
        QCOMPARE(now.regions[0].id, region);
        QCOMPARE(maskSum(now.regions[0].mask), earlierSum);
        QCOMPARE(now.settings.seed, std::uint64_t(11));
        QCOMPARE(window()->regionsPanel()->list()->count(), 1);
        QCOMPARE(window()->regionsPanel()->backgroundPrompt()->text(), QString("a harbour"));
        QCOMPARE(doc()->undoStack()->count(), undoBefore + 1);

        // One Ctrl+Z brings the later layout back whole.
        canvas()->setFocus();
        QTest::keyClick(window(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(doc()->project().regions.size(), size_t(2));
        QCOMPARE(maskSum(doc()->project().regions[0].mask), laterSum);
        QCOMPARE(doc()->project().prompt, std::string("a harbour at night"));
        QCOMPARE(window()->regionsPanel()->list()->count(), 2);
        Q_UNUSED(b);
    }

    void exportingAnOlderResultEmbedsItsOwnMasks()
    {
        const auto [a, b] = twoResults();
        Q_UNUSED(b);
        const QString project = m_open->env.path("harbour.mdsp");
        QVERIFY(window()->files()->saveTo(project));
        QVERIFY(window()->files()->waitForWrites());
        const double earlierSum = maskSum(*doc()->project().results[0].layout->at(0).mask);

        // Export through the button and its dialog, which opens in the project's folder.
        clickResult(a);
        QString dialogFolder;
        const QString png = m_open->env.path("older.png");
        QTimer::singleShot(0, this, [&] {
            auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            dialogFolder = dialog->directory().absolutePath();
            dialog->selectFile(png);
            static_cast<QDialog*>(dialog)->accept(); // QFileDialog::accept is protected
        });
        clickButton("export");
        QCOMPARE(dialogFolder, QFileInfo(project).absolutePath());
        QVERIFY2(window()->files()->waitForWrites(), qPrintable(window()->files()->lastError()));

        Result<Project> exported = loadProject(png.toStdString());
        QVERIFY2(exported.isOk(), exported.isOk() ? "" : exported.error().c_str());
        QCOMPARE(exported->regions.size(), size_t(1));
        QVERIFY(std::abs(maskSum(exported->regions[0].mask) - earlierSum) < earlierSum * 0.01);
        QCOMPARE(exported->prompt, std::string("a harbour"));
    }

    void layoutsSurviveSavingAndReopening()
    {
        const auto [a, b] = twoResults();
        Q_UNUSED(b);
        const double earlierSum = maskSum(*doc()->project().results[0].layout->at(0).mask);
        const QString path = m_open->env.path("layouts.mdsp");
        QVERIFY(window()->files()->saveTo(path));
        QVERIFY(window()->files()->waitForWrites());
        window()->files()->newProject();
        QVERIFY2(window()->files()->openPath(path), qPrintable(window()->files()->lastError()));
        QCOMPARE(doc()->project().results.size(), size_t(2));

        clickResult(a);
        clickButton("useSettings");
        QCOMPARE(doc()->project().regions.size(), size_t(1));
        QVERIFY(std::abs(maskSum(doc()->project().regions[0].mask) - earlierSum) <
                earlierSum * 0.01);
    }
};

QTEST_MAIN(HistoryLayoutTest)
#include "HistoryLayoutTest.moc"

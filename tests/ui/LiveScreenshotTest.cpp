// Issue 15's screenshot under Xvfb, saved in $MD_SCREENSHOT_DIR as live-mode.png (a copy in
// docs/screenshots/): live mode on with the embedded model, three painted regions over a
// background prompt, the newest live frame on the canvas under the region masks, the Live
// row (Live, Keep, the measured frame time) and the Preset list in the generation panel, and
// one frame kept in the history.

#include "UiTestSupport.h"
#include "ui/LiveFeatures.h"
#include "ui/Theme.h"
#include "ui/document/DocumentController.h"
#include "ui/generation/GenerationController.h"
#include "ui/generation/LiveController.h"

#include <QApplication>
#include <QDir>
#include <QSignalSpy>
#include <QTest>

using namespace md;
using test::screenshotDir;

namespace {

MaskImage ellipse(int cx, int cy, int rx, int ry)
{
    MaskImage m = blankMask(512, 512);
    for (int y = 0; y < 512; ++y)
        for (int x = 0; x < 512; ++x) {
            const double dx = double(x - cx) / rx, dy = double(y - cy) / ry;
            if (dx * dx + dy * dy <= 1.0)
                m.values[std::size_t(y) * 512 + x] = 1.f;
        }
    return m;
}

} // namespace

class LiveScreenshotTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void liveMode()
    {
        applyTheme(*qApp);
        test::UiTestEnvironment env;
        const QString model = test::testModelPath();
        if (model.isEmpty())
            QSKIP("no model to render live frames with");
        MainWindow window(env.settings.get());
        window.resize(1500, 1000);
        window.move(0, 0);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        GenerationController* gen = window.generation();
        window.session()->chooseModel(model);
        QTRY_VERIFY_WITH_TIMEOUT(gen->modelState() != GenerationController::ModelState::Loading,
                                 300000);
        QVERIFY(gen->modelState() == GenerationController::ModelState::Ready);

        DocumentController* doc = window.document();
        doc->setCanvasSize(512, 512);
        doc->setBackgroundPrompt("a calm lake under a blue sky");
        const std::uint32_t grass = doc->addMaskRegion();
        MaskImage bottom = blankMask(512, 512);
        std::fill(bottom.values.begin() + 512 * 340, bottom.values.end(), 1.f);
        doc->replaceMask(grass, bottom, "paint");
        doc->setRegionPrompt(grass, "green grass");
        const std::uint32_t house = doc->addMaskRegion();
        doc->replaceMask(house, ellipse(150, 290, 90, 70), "paint");
        doc->setRegionPrompt(house, "a red house");
        const std::uint32_t sun = doc->addMaskRegion();
        doc->replaceMask(sun, ellipse(400, 100, 60, 60), "paint");
        doc->setRegionPrompt(sun, "a yellow sun");
        GenerationSettings s = doc->project().settings;
        s.seed = 7;
        s.seedMode = SeedMode::Fixed;
        doc->setSettings(s);

        LiveController* live = window.live()->controller();
        window.live()->liveAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!live->frameImage().isNull(), 60000);
        // A stroke with the mouse: the sun grows; the frame that shows it follows.
        window.canvas()->fitToWindow();
        doc->setCurrentRegion(sun);
        test::drag(window.canvas(), {{360, 150}, {380, 170}, {420, 170}, {440, 150}});
        const std::uint64_t revision = doc->revision();
        QTRY_VERIFY_WITH_TIMEOUT(live->frameRevision() >= revision && !live->frameReduced(), 60000);
        // Keep: the frame lands in the history; the canvas stays live.
        window.live()->keepAction()->trigger();
        QTRY_COMPARE(doc->project().results.size(), std::size_t(1));
        QTest::qWait(200);
        QVERIFY(window.canvas()->badge().startsWith("Live"));
        QVERIFY(window.grab().toImage().save(screenshotDir() + "/live-mode.png"));
    }
};

QTEST_MAIN(LiveScreenshotTest)
#include "LiveScreenshotTest.moc"

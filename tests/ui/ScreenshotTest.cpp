// Renders the main window with a three-region project and a result, and saves PNGs in
// $MD_SCREENSHOT_DIR (the build tree's screenshots/ folder under CTest) for review and for
// CI artifacts. With a loadable default model the result is generated; otherwise a painted
// stand-in image is used, so the layout can be reviewed on any machine.

#include "UiTestSupport.h"
#include "ui/ImageConversion.h"
#include "ui/Theme.h"
#include "ui/canvas/BrushTool.h"
#include "ui/canvas/CanvasView.h"
#include "ui/canvas/ToolPalette.h"
#include "ui/document/DocumentController.h"
#include "ui/generation/GenerationController.h"
#include "ui/generation/GenerationSession.h"
#include "ui/panels/ResultsStrip.h"

#include <QApplication>
#include <QDir>
#include <QLinearGradient>
#include <QPainter>
#include <QPainterPath>
#include <QTest>
#include <QToolButton>
#include <cmath>

using namespace md;
using test::screenshotDir;

namespace {

MaskImage ellipseMask(int w, int h, QRectF ellipse, double feather)
{
    MaskImage m = blankMask(w, h);
    const QPointF c = ellipse.center();
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double dx = (x + 0.5 - c.x()) / (ellipse.width() / 2);
            const double dy = (y + 0.5 - c.y()) / (ellipse.height() / 2);
            const double d = (std::sqrt(dx * dx + dy * dy) - 1.0) * ellipse.width() / 2;
            m.values[size_t(y) * w + x] = float(std::clamp(0.5 - d / feather, 0.0, 1.0));
        }
    return m;
}

MaskImage hillsMask(int w, int h)
{
    MaskImage m = blankMask(w, h);
    for (int x = 0; x < w; ++x) {
        const double top = h * 0.62 - 38 * std::sin(x / 90.0) - 22 * std::sin(x / 37.0 + 1.3);
        for (int y = 0; y < h; ++y)
            m.values[size_t(y) * w + x] = float(std::clamp((y - top) / 3.0, 0.0, 1.0));
    }
    return m;
}

// A painted stand-in for a generated image: dusk sky, sun, hills, a cottage.
QImage standInResult(int w, int h)
{
    QImage img(w, h, QImage::Format_RGB888);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    QLinearGradient sky(0, 0, 0, h);
    sky.setColorAt(0.0, QColor(38, 64, 120));
    sky.setColorAt(0.45, QColor(214, 128, 96));
    sky.setColorAt(0.62, QColor(250, 196, 120));
    p.fillRect(img.rect(), sky);
    QRadialGradient sun(QPointF(w * 0.72, h * 0.34), 60);
    sun.setColorAt(0, QColor(255, 244, 200));
    sun.setColorAt(0.45, QColor(255, 214, 140));
    sun.setColorAt(1, QColor(255, 200, 120, 0));
    p.setBrush(sun);
    p.setPen(Qt::NoPen);
    p.drawEllipse(QPointF(w * 0.72, h * 0.34), 60, 60);
    QPainterPath hills;
    hills.moveTo(0, h);
    for (int x = 0; x <= w; x += 4)
        hills.lineTo(x, h * 0.62 - 38 * std::sin(x / 90.0) - 22 * std::sin(x / 37.0 + 1.3));
    hills.lineTo(w, h);
    QLinearGradient green(0, h * 0.5, 0, h);
    green.setColorAt(0, QColor(78, 110, 64));
    green.setColorAt(1, QColor(30, 52, 34));
    p.fillPath(hills, green);
    // The cottage.
    const QRectF house(w * 0.18, h * 0.58, 90, 60);
    p.fillRect(house, QColor(176, 58, 46));
    QPainterPath roof;
    roof.moveTo(house.left() - 10, house.top());
    roof.lineTo(house.center().x(), house.top() - 42);
    roof.lineTo(house.right() + 10, house.top());
    p.fillPath(roof, QColor(70, 44, 40));
    p.fillRect(QRectF(house.left() + 36, house.top() + 26, 18, 34), QColor(60, 36, 30));
    p.fillRect(QRectF(house.left() + 12, house.top() + 16, 14, 12), QColor(255, 214, 140));
    return img;
}

// Generates with the embedded default model (unless MD_SCREENSHOT_GENERATE=0 or no model is
// found); `generated` tells whether a result arrived. QTRY_* failures return early.
void generateWithDefaultModel(MainWindow& window, bool& generated)
{
    generated = false;
    const QString model = GenerationSession::defaultModel();
    if (model.isEmpty() || qEnvironmentVariable("MD_SCREENSHOT_GENERATE") == "0")
        return;
    window.session()->chooseModel(model);
    QTRY_VERIFY_WITH_TIMEOUT(
        window.generation()->modelState() != GenerationController::ModelState::Loading, 300000);
    if (window.generation()->modelState() != GenerationController::ModelState::Ready)
        return;
    window.session()->generate();
    QTRY_VERIFY_WITH_TIMEOUT(!window.generation()->isBusy(), 600000);
    generated = !window.document()->project().results.empty();
}

} // namespace

class ScreenshotTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void mainWindowWithThreeRegionsAndAResult()
    {
        applyTheme(*qApp);
        test::UiTestEnvironment env;
        MainWindow window(env.settings.get());
        window.resize(1600, 940);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // First start: an empty project, no model yet.
        window.canvas()->fitToWindow();
        QTest::qWait(50);
        QVERIFY(window.grab().toImage().save(screenshotDir() + "/mainwindow-empty.png"));

        DocumentController* doc = window.document();
        const int w = 768, h = 512;
        doc->setCanvasSize(w, h);
        doc->setBackgroundPrompt("a blue sky with white clouds at sunset");
        doc->setBackgroundNegative("night sky");
        const std::uint32_t hills = doc->addMaskRegion();
        doc->setRegionName(hills, "Hills");
        doc->setRegionPrompt(hills, "green grass on the mountains");
        doc->replaceMask(hills, hillsMask(w, h), "paint");
        const std::uint32_t sun = doc->addMaskRegion();
        doc->setRegionName(sun, "Sun");
        doc->setRegionPrompt(sun, "a yellow sun");
        doc->replaceMask(sun, ellipseMask(w, h, QRectF(w * 0.72 - 70, h * 0.34 - 70, 140, 140), 14),
                         "paint");
        const std::uint32_t house = doc->addBoxRegion(Box{120, 240, 160, 136});
        doc->setRegionName(house, "Cottage");
        doc->setRegionPrompt(house, "a red house");
        doc->setRegionNegative(house, "tree");
        GenerationSettings s = doc->project().settings;
        s.steps = 20;
        s.seed = 1234;
        s.seedMode = SeedMode::Fixed;
        doc->setSettings(s);

        bool generated = false;
        generateWithDefaultModel(window, generated);
        if (QTest::currentTestFailed())
            return;
        if (!generated) {
            // Two stand-in results so the history strip shows a history.
            QImage earlier = standInResult(w, h).mirrored(true, false);
            doc->addResult(makeResult(doc->project(), toRgbImage(earlier), 1233));
            doc->addResult(makeResult(doc->project(), toRgbImage(standInResult(w, h)), 1234));
            window.resultsStrip()->selectResult(doc->project().results.back().id);
        }
        doc->setCurrentRegion(house);
        window.tools()->setTool(ToolPalette::Tool::Box);
        window.canvas()->fitToWindow();
        QTest::qWait(200);

        const QString dir = screenshotDir();
        const QImage shot = window.grab().toImage();
        QVERIFY(!shot.isNull());
        QVERIFY(shot.save(dir + "/mainwindow.png"));

        window.canvas()->setPreviewMode(PreviewMode::MasksOnly);
        QTest::qWait(50);
        QVERIFY(window.grab().toImage().save(dir + "/mainwindow-masks.png"));
        window.canvas()->setPreviewMode(PreviewMode::Both);

        // Painting, as an artist would: a new region, brush strokes with the mouse, the
        // brush outline left hovering over the canvas.
        const std::uint32_t lake = doc->addMaskRegion();
        doc->setRegionName(lake, "Lake");
        doc->setRegionPrompt(lake, "blue water");
        window.tools()->setTool(ToolPalette::Tool::Brush);
        window.tools()->brush()->setDiameter(46);
        window.tools()->brush()->setHardness(0.6f);
        CanvasView* canvas = window.canvas();
        for (int row = 0; row < 4; ++row) {
            const double y = 420 + row * 18;
            QTest::mousePress(canvas, Qt::LeftButton, {}, test::widgetPoint(canvas, 380, y));
            for (int x = 380; x <= 700; x += 10)
                QTest::mouseMove(canvas, test::widgetPoint(canvas, x, y + 8 * std::sin(x / 40.0)));
            QTest::mouseRelease(canvas, Qt::LeftButton, {}, test::widgetPoint(canvas, 700, y));
        }
        QTest::mouseMove(canvas, test::widgetPoint(canvas, 560, 360));
        QTest::qWait(50);
        QVERIFY(window.grab().toImage().save(dir + "/mainwindow-painting.png"));

        // Compare: the older result on the left of the divider, the newest on the right.
        if (doc->project().results.size() >= 2) {
            window.resultsStrip()->selectResult(doc->project().results.front().id);
            window.resultsStrip()->findChild<QToolButton*>("compare")->click();
            QTest::qWait(50);
            QVERIFY(window.grab().toImage().save(dir + "/mainwindow-compare.png"));
        }
        // Generating: the live preview on the canvas, progress with ETA, Restart and Cancel.
        const QString testModel = test::testModelPath();
        if (!testModel.isEmpty() && !generated) {
            window.resultsStrip()->findChild<QToolButton*>("compare")->click();
            window.session()->chooseModel(testModel);
            QTRY_VERIFY_WITH_TIMEOUT(window.generation()->modelState() !=
                                         GenerationController::ModelState::Loading,
                                     300000);
            if (window.generation()->modelState() == GenerationController::ModelState::Ready) {
                int step = 0;
                connect(window.generation(), &GenerationController::progressChanged, this,
                        [&step](int s) { step = s; });
                bool preview = false;
                connect(window.generation(), &GenerationController::previewChanged, this,
                        [&preview] { preview = true; });
                window.session()->generate();
                QTRY_VERIFY_WITH_TIMEOUT(step >= 1 && preview, 600000);
                QTest::qWait(50);
                QVERIFY(window.grab().toImage().save(dir + "/mainwindow-generating.png"));
                window.session()->cancel();
            }
        }
        qInfo("screenshots in %s (%s result)", qPrintable(dir),
              generated ? "generated" : "stand-in");
    }

    void panorama()
    {
        applyTheme(*qApp);
        test::UiTestEnvironment env;
        MainWindow window(env.settings.get());
        window.resize(1600, 940);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        DocumentController* doc = window.document();
        const int w = 2048, h = 512;
        doc->setCanvasSize(w, h);
        doc->setBackgroundPrompt("blue sky with white clouds");
        const std::uint32_t sea = doc->addMaskRegion();
        doc->setRegionName(sea, "Sea");
        doc->setRegionPrompt(sea, "blue sea");
        MaskImage seaMask = blankMask(w, h);
        for (int y = 340; y < h; ++y)
            for (int x = 0; x < w; ++x)
                seaMask.values[size_t(y) * w + x] = 1.f;
        doc->replaceMask(sea, seaMask, "paint");
        const std::uint32_t sun = doc->addBoxRegion(Box{1400, 64, 192, 192});
        doc->setRegionName(sun, "Sun");
        doc->setRegionPrompt(sun, "a yellow sun");
        const std::uint32_t island = doc->addBoxRegion(Box{320, 232, 448, 144});
        doc->setRegionName(island, "Island");
        doc->setRegionPrompt(island, "green forest");
        GenerationSettings s = doc->project().settings;
        s.steps = 12; // 32 windows per step with wrap-around: keep CI time down
        s.seed = 7;
        s.seedMode = SeedMode::Fixed;
        s.circular = true;
        doc->setSettings(s);

        bool generated = false;
        generateWithDefaultModel(window, generated);
        if (QTest::currentTestFailed())
            return;
        if (!generated) {
            QImage image(w, h, QImage::Format_RGB888);
            QPainter p(&image);
            QLinearGradient sky(0, 0, 0, h);
            sky.setColorAt(0, QColor(60, 110, 190));
            sky.setColorAt(0.66, QColor(170, 200, 230));
            sky.setColorAt(0.67, QColor(40, 90, 150));
            sky.setColorAt(1, QColor(20, 50, 100));
            p.fillRect(image.rect(), sky);
            p.end();
            doc->addResult(makeResult(doc->project(), toRgbImage(image), 7));
        }
        window.tools()->setTool(ToolPalette::Tool::Box);
        doc->setCurrentRegion(island);
        window.canvas()->fitToWindow();
        QTest::qWait(100);
        QVERIFY(window.grab().toImage().save(screenshotDir() + "/mainwindow-panorama.png"));
    }
};

QTEST_MAIN(ScreenshotTest)
#include "ScreenshotTest.moc"

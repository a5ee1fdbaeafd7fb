// Screenshots of issue 12's UI under Xvfb, saved in $MD_SCREENSHOT_DIR for review (copies in
// docs/screenshots/): a picture imported as a paint layer, a colour sketch painted with the
// paint tool and "Start from: Paint layers", the canvas menu's "Reroll" over a region, and
// the history's Upscale menu beside an upscaled result. The results are painted stand-ins,
// so the shots show the UI on any machine without a generation.

#include "UiTestSupport.h"
#include "ui/ImageConversion.h"
#include "ui/ImageFeatures.h"
#include "ui/Theme.h"
#include "ui/canvas/BrushTool.h"
#include "ui/canvas/CanvasView.h"
#include "ui/canvas/PaintTool.h"
#include "ui/canvas/ToolPalette.h"
#include "ui/document/DocumentController.h"
#include "ui/document/PaintLayerController.h"
#include "ui/files/ImageImport.h"
#include "ui/generation/ImageActions.h"
#include "ui/panels/ResultsStrip.h"

#include <QApplication>
#include <QDir>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QScreen>
#include <QTest>
#include <QToolButton>
#include <cmath>

using namespace md;
using test::screenshotDir;

namespace {

// A painted stand-in picture: sky, sea, an island with a lighthouse.
QImage standIn(int w, int h, double hue)
{
    QImage img(w, h, QImage::Format_RGB32);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    QLinearGradient sky(0, 0, 0, h);
    sky.setColorAt(0, QColor::fromHsvF(float(hue), 0.55f, 0.55f));
    sky.setColorAt(0.55, QColor::fromHsvF(float(std::fmod(hue + 0.45, 1.0)), 0.45f, 0.98f));
    sky.setColorAt(1, QColor(40, 70, 110));
    p.fillRect(img.rect(), sky);
    p.fillRect(QRectF(0, h * 0.62, w, h * 0.38), QColor(34, 74, 112));
    QPainterPath island;
    island.moveTo(w * 0.45, h * 0.64);
    island.cubicTo(w * 0.55, h * 0.50, w * 0.75, h * 0.50, w * 0.88, h * 0.64);
    p.fillPath(island, QColor(70, 96, 58));
    p.fillRect(QRectF(w * 0.66, h * 0.30, w * 0.035, h * 0.26), QColor(236, 232, 220));
    p.fillRect(QRectF(w * 0.655, h * 0.28, w * 0.045, h * 0.03), QColor(180, 50, 40));
    p.setBrush(QColor(255, 236, 170));
    p.setPen(Qt::NoPen);
    p.drawEllipse(QPointF(w * 0.22, h * 0.25), w * 0.06, w * 0.06);
    return img;
}

MaskImage ellipseMask(int w, int h, QRectF e)
{
    MaskImage m = blankMask(w, h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double dx = (x + 0.5 - e.center().x()) / (e.width() / 2);
            const double dy = (y + 0.5 - e.center().y()) / (e.height() / 2);
            m.values[size_t(y) * w + x] = dx * dx + dy * dy <= 1 ? 1.f : 0.f;
        }
    return m;
}

// The window's part of the screen, popups included (window.grab() leaves menus out).
QImage grabScreen(QWidget& window)
{
    QApplication::processEvents();
    QTest::qWait(150);
    const QRect r = window.frameGeometry();
    return window.screen()->grabWindow(0, r.x(), r.y(), r.width(), r.height()).toImage();
}

void stroke(CanvasView* canvas, const QList<QPointF>& points)
{
    QTest::mousePress(canvas, Qt::LeftButton, {},
                      test::widgetPoint(canvas, points.front().x(), points.front().y()));
    for (const QPointF& p : points)
        QTest::mouseMove(canvas, test::widgetPoint(canvas, p.x(), p.y()));
    QTest::mouseRelease(canvas, Qt::LeftButton, {},
                        test::widgetPoint(canvas, points.back().x(), points.back().y()));
}

} // namespace

class ImageScreenshotTest : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::UiTestEnvironment> m_env;
    std::unique_ptr<MainWindow> m_window;

    DocumentController* doc() const { return m_window->document(); }

private Q_SLOTS:
    void init()
    {
        applyTheme(*qApp);
        m_env = std::make_unique<test::UiTestEnvironment>();
        m_window = std::make_unique<MainWindow>(m_env->settings.get());
        m_window->resize(1600, 940);
        m_window->move(0, 0);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->images()->importer()->setInteractive(false);
        doc()->setCanvasSize(768, 512);
        doc()->setBackgroundPrompt("a lighthouse on a small island at dusk, calm sea");
    }

    void cleanup()
    {
        m_window.reset();
        m_env.reset();
    }

    void importedPicture()
    {
        const QString path = m_env->path("island-photo.png");
        QVERIFY(standIn(640, 480, 0.62).save(path));
        QVERIFY(m_window->images()->importer()->importImageFile(path));
        m_window->canvas()->fitToWindow();
        QTest::qWait(100);
        QVERIFY(m_window->grab().toImage().save(screenshotDir() + "/image-import.png"));
    }

    void colourSketch()
    {
        CanvasView* canvas = m_window->canvas();
        ToolPalette* tools = m_window->tools();
        PaintTool* paint = tools->paint();
        tools->setTool(ToolPalette::Tool::Paint);
        tools->brush()->setHardness(0.5f);
        const auto band = [&](QColor colour, double diameter, double y0, double y1) {
            paint->setColour(colour);
            tools->brush()->setDiameter(float(diameter));
            for (double y = y0; y <= y1; y += diameter * 0.6) {
                QList<QPointF> line;
                for (int x = -20; x <= 790; x += 30)
                    line << QPointF(x, y + 6 * std::sin(x / 60.0 + y));
                stroke(canvas, line);
            }
        };
        band(QColor(110, 150, 210), 90, 0, 300); // sky
        band(QColor(40, 80, 130), 80, 330, 512); // sea
        paint->setColour(QColor(250, 220, 120)); // sun
        tools->brush()->setDiameter(70);
        stroke(canvas, {{170, 120}, {175, 125}});
        paint->setColour(QColor(80, 110, 60)); // island
        tools->brush()->setDiameter(50);
        stroke(canvas, {{360, 330}, {420, 300}, {500, 285}, {580, 300}, {660, 330}});
        paint->setColour(QColor(235, 230, 220)); // lighthouse
        tools->brush()->setDiameter(24);
        stroke(canvas, {{510, 285}, {510, 200}, {512, 160}});
        paint->setColour(QColor(190, 50, 40));
        stroke(canvas, {{500, 150}, {524, 150}});
        const std::uint32_t id = doc()->addBoxRegion(Box{470, 120, 90, 190});
        doc()->setRegionName(id, "Lighthouse");
        doc()->setRegionPrompt(id, "a white lighthouse with a red lamp room");
        doc()->layers()->setStart(StartImage::Layers);
        doc()->layers()->setStrength(0.6f);
        tools->setTool(ToolPalette::Tool::Paint);
        paint->setColour(QColor(190, 50, 40));
        QTest::mouseMove(canvas, test::widgetPoint(canvas, 300, 420));
        QTest::qWait(100);
        QVERIFY(m_window->grab().toImage().save(screenshotDir() + "/image-sketch.png"));
    }

    void rerollMenu()
    {
        const int w = 768, h = 512;
        const std::uint32_t sun = doc()->addMaskRegion();
        doc()->setRegionName(sun, "Sun");
        doc()->setRegionPrompt(sun, "a pale full moon");
        doc()->replaceMask(sun, ellipseMask(w, h, QRectF(w * 0.22 - 70, h * 0.25 - 70, 140, 140)),
                           "paint");
        const std::uint32_t tower = doc()->addBoxRegion(Box{490, 130, 80, 170});
        doc()->setRegionName(tower, "Lighthouse");
        doc()->setRegionPrompt(tower, "a white lighthouse");
        doc()->addResult(makeResult(doc()->project(), toRgbImage(standIn(w, h, 0.62)), 4242));
        m_window->resultsStrip()->selectResult(doc()->project().results.back().id);
        m_window->canvas()->fitToWindow();
        const QPointF at(w * 0.22, h * 0.25);
        QMenu* menu = m_window->images()->canvasMenu(at);
        menu->popup(m_window->canvas()->mapToGlobal(
            m_window->canvas()->canvasToWidget(at).toPoint() + QPoint(4, 4)));
        QTRY_VERIFY(menu->isVisible());
        menu->setActiveAction(menu->actions().front());
        const QImage shot = grabScreen(*m_window);
        menu->close();
        delete menu;
        QVERIFY(shot.save(screenshotDir() + "/image-reroll.png"));
    }

    void upscaleMenu()
    {
        const int w = 768, h = 512;
        const std::uint32_t tower = doc()->addBoxRegion(Box{490, 130, 80, 170});
        doc()->setRegionName(tower, "Lighthouse");
        doc()->setRegionPrompt(tower, "a white lighthouse");
        doc()->addResult(makeResult(doc()->project(), toRgbImage(standIn(w, h, 0.08)), 7));
        ProjectResult up = makeResult(doc()->project(), toRgbImage(standIn(w * 2, h * 2, 0.08)), 7);
        up.upscale = 2.0;
        up.sourceResultId = doc()->project().results.back().id;
        up.id = nextResultId(doc()->project());
        doc()->addResult(up);
        doc()->addResult(makeResult(doc()->project(), toRgbImage(standIn(w, h, 0.62)), 8));
        ResultsStrip* strip = m_window->resultsStrip();
        strip->selectResult(up.id); // the upscale, shown scaled to fit
        m_window->canvas()->fitToWindow();
        QTest::qWait(100);
        QToolButton* button = strip->upscaleButton();
        QMenu* menu = button->menu();
        // Above the button: the window reaches the bottom of the grab.
        menu->popup(button->mapToGlobal(QPoint(0, -menu->sizeHint().height())));
        QTRY_VERIFY(menu->isVisible());
        menu->setActiveAction(menu->actions().at(1));
        const QImage shot = grabScreen(*m_window);
        menu->close();
        QVERIFY(shot.save(screenshotDir() + "/image-upscale.png"));
    }
};

QTEST_MAIN(ImageScreenshotTest)
#include "ImageScreenshotTest.moc"

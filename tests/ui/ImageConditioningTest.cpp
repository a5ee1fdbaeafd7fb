// Issue 12's UI through real widgets on the offscreen platform: importing a picture as a
// paint layer (file, paste, a drop on the canvas; bad files refused), a sketch with the paint
// brush and eraser and their undo, the colour picker, "Start from" and strength (undoable,
// and carried by the request), Reroll region (the request's rerollMask and a new seed for
// that region only) and Upscale (the request is the canvas times the factor), and a tiny
// reroll and upscale run through the worker with the embedded model.

#include "UiTestSupport.h"
#include "ui/ImageConversion.h"
#include "ui/ImageFeatures.h"
#include "ui/canvas/CanvasView.h"
#include "ui/canvas/PaintTool.h"
#include "ui/canvas/ToolPalette.h"
#include "ui/commands/DocumentCommand.h"
#include "ui/document/DocumentController.h"
#include "ui/document/LayerComposite.h"
#include "ui/document/PaintLayerController.h"
#include "ui/document/UndoHistory.h"
#include "ui/files/FileActions.h"
#include "ui/files/ImageImport.h"
#include "ui/generation/GenerationController.h"
#include "ui/generation/ImageActions.h"
#include "ui/generation/ImageRequests.h"
#include "ui/panels/LayersPanel.h"
#include "ui/panels/ResultsStrip.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QPointingDevice>
#include <QSlider>
#include <QTabletEvent>
#include <QTest>
#include <QToolButton>
#include <QUrl>

using namespace md;

namespace {

QColor layerPixel(const PaintLayer& layer, int x, int y)
{
    const std::uint8_t* p = layer.pixels.pixels.data() + (size_t(y) * layer.pixels.width + x) * 4;
    return QColor(p[0], p[1], p[2], p[3]);
}

QImage solid(int w, int h, QColor colour)
{
    QImage image(w, h, QImage::Format_RGB32);
    image.fill(colour);
    return image;
}

// A mask region covering the rectangle.
std::uint32_t rectRegion(DocumentController* doc, QRect r, const char* prompt)
{
    MaskImage mask = blankMask(doc->project().width, doc->project().height);
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            mask.values[size_t(y) * mask.width + x] = 1.f;
    const std::uint32_t id = doc->addRegionFromMask(mask, prompt);
    doc->setRegionPrompt(id, prompt);
    return id;
}

} // namespace

class ImageConditioningTest : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TestWindow> m_open;

    MainWindow* window() const { return &m_open->window; }
    DocumentController* doc() const { return window()->document(); }
    PaintLayerController* layers() const { return doc()->layers(); }
    CanvasView* canvas() const { return window()->canvas(); }
    ImageImport* importer() const { return window()->images()->importer(); }
    ImageActions* actions() const { return window()->images()->actions(); }
    const std::vector<PaintLayer>& paintLayers() const { return doc()->project().paintLayers; }

    QString writeImage(const QString& name, const QImage& image)
    {
        const QString path = m_open->env.path(name);
        if (!image.save(path))
            return {};
        return path;
    }

    void addResult(QColor colour, std::uint64_t seed)
    {
        const Project& p = doc()->project();
        doc()->addResult(makeResult(p, toRgbImage(solid(p.width, p.height, colour)), seed));
    }

    void cancelRun()
    {
        window()->session()->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!window()->generation()->isBusy(), 60000);
    }

private Q_SLOTS:
    void init()
    {
        m_open = std::make_unique<test::TestWindow>();
        QVERIFY(m_open->ready());
        importer()->setInteractive(false);
    }

    void cleanup() { m_open.reset(); }

    void importFileFitsTheCanvasAndUndoes()
    {
        doc()->setCanvasSize(256, 128);
        // 100x100 red: fitted into 256x128 it is 128 wide, centred, transparent beside it.
        const QString path = writeImage("red.png", solid(100, 100, Qt::red));
        QVERIFY(!path.isEmpty());
        QVERIFY(importer()->importImageFile(path));
        QCOMPARE(paintLayers().size(), size_t(1));
        const PaintLayer& layer = paintLayers().front();
        QCOMPARE(layer.pixels.width, 256);
        QCOMPARE(layer.pixels.height, 128);
        QCOMPARE(layer.name, std::string("red"));
        QCOMPARE(layerPixel(layer, 128, 64), QColor(255, 0, 0, 255));
        QCOMPARE(layerPixel(layer, 10, 64).alpha(), 0);
        QCOMPARE(layers()->currentLayerId(), layer.id);
        QCOMPARE(window()->images()->layersPanel()->list()->count(), 1);
        doc()->undoStack()->undo();
        QVERIFY(paintLayers().empty());
        QCOMPARE(layers()->currentLayerId(), 0u);
        doc()->undoStack()->redo();
        QCOMPARE(paintLayers().size(), size_t(1));
        QCOMPARE(layerPixel(paintLayers().front(), 128, 64), QColor(255, 0, 0, 255));
    }

    void menusOfferImportPasteAndReroll()
    {
        QStringList file, edit, generate;
        for (QAction* menu : window()->menuBar()->actions()) {
            QStringList& names = menu->text() == "&File"   ? file
                                 : menu->text() == "&Edit" ? edit
                                                           : generate;
            if (menu->text() != "&File" && menu->text() != "&Edit" && menu->text() != "&Generate")
                continue;
            for (QAction* a : menu->menu()->actions())
                names << (a->isSeparator() ? QStringLiteral("-") : a->text());
        }
        QCOMPARE(file.at(file.indexOf("&Import Mask…") + 1), QStringLiteral("Import &Image…"));
        QCOMPARE(edit.mid(0, 6),
                 QStringList({"&Undo", "&Redo", "-", "&Paste Image", "-", "&Fill Region"}));
        QVERIFY(generate.contains("Reroll Region"));
    }

    void badFilesAreRefusedWithAReason()
    {
        QFile text(m_open->env.path("notes.png"));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("not a picture");
        text.close();
        QVERIFY(!importer()->importImageFile(text.fileName()));
        QVERIFY2(importer()->lastError().contains("Cannot read notes.png"),
                 qPrintable(importer()->lastError()));
        // A folder is not a regular file: refused before any reader opens it.
        QVERIFY(!importer()->importImageFile(m_open->env.dir.path()));
        QVERIFY(importer()->lastError().startsWith("Cannot import"));
        QVERIFY(!importer()->importImageFile(m_open->env.path("missing.png")));
        QVERIFY(paintLayers().empty());
        QCOMPARE(doc()->undoStack()->count(), 0);
    }

    void pasteFromTheClipboard()
    {
        QGuiApplication::clipboard()->setImage(solid(512, 512, QColor(0, 128, 255)));
        QAction* paste = window()->findChild<QAction*>("pasteImage");
        QVERIFY(paste);
        QCOMPARE(paste->shortcut(), QKeySequence(QKeySequence::Paste));
        paste->trigger();
        QCOMPARE(paintLayers().size(), size_t(1));
        QCOMPARE(layerPixel(paintLayers().front(), 3, 3), QColor(0, 128, 255, 255));
        QCOMPARE(doc()->undoStack()->undoText(), QStringLiteral("Paste image"));
        doc()->undoStack()->undo();
        QVERIFY(paintLayers().empty());
        // Nothing to paste: a clear message, no step.
        QGuiApplication::clipboard()->setText("just words");
        QVERIFY(!importer()->pasteImage());
        QVERIFY(importer()->lastError().contains("no image"));
        QVERIFY(paintLayers().empty());
    }

    void dropOnTheCanvas()
    {
        const QString path = writeImage("green.png", solid(64, 64, Qt::green));
        auto* data = new QMimeData;
        data->setUrls({QUrl::fromLocalFile(path)});
        const QPointF at = canvas()->rect().center();
        QDragEnterEvent enter(at.toPoint(), Qt::CopyAction, data, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(canvas(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(at, Qt::CopyAction, data, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(canvas(), &drop);
        QVERIFY(drop.isAccepted());
        QTRY_COMPARE(paintLayers().size(), size_t(1));
        QCOMPARE(layerPixel(paintLayers().front(), 256, 256), QColor(0, 255, 0, 255));
        doc()->undoStack()->undo();
        QVERIFY(paintLayers().empty());
        delete data;
    }

    void sketchWithBrushAndEraserUndoes()
    {
        window()->tools()->setTool(ToolPalette::Tool::Paint);
        PaintTool* paint = window()->tools()->paint();
        paint->setColour(QColor(200, 40, 30));
        paint->setDiameter(20);
        paint->setHardness(1.f);
        // No layer yet: the first stroke makes one (its own step), then the stroke.
        test::drag(canvas(), {{100, 100}, {200, 100}, {300, 100}});
        QCOMPARE(paintLayers().size(), size_t(1));
        QCOMPARE(doc()->undoStack()->count(), 2);
        QCOMPARE(layerPixel(paintLayers().front(), 200, 100), QColor(200, 40, 30, 255));
        QCOMPARE(layerPixel(paintLayers().front(), 200, 150).alpha(), 0);
        // The step holds the stroke's rectangle, not the layer.
        const auto* top = dynamic_cast<const DocumentCommand*>(doc()->undoStack()->top());
        QVERIFY(top);
        QVERIFY2(top->byteSize() < 512 * 512 * 4 / 8, qPrintable(QString::number(top->byteSize())));

        window()->tools()->setTool(ToolPalette::Tool::PaintEraser);
        test::drag(canvas(), {{200, 80}, {200, 120}});
        QCOMPARE(layerPixel(paintLayers().front(), 200, 100).alpha(), 0);
        QCOMPARE(layerPixel(paintLayers().front(), 120, 100).alpha(), 255);
        QCOMPARE(doc()->undoStack()->undoText(), QStringLiteral("Erase paint"));
        doc()->undoStack()->undo();
        QCOMPARE(layerPixel(paintLayers().front(), 200, 100), QColor(200, 40, 30, 255));
        doc()->undoStack()->undo();
        QCOMPARE(layerPixel(paintLayers().front(), 200, 100).alpha(), 0);
        QCOMPARE(paintLayers().size(), size_t(1));
        doc()->undoStack()->redo();
        doc()->undoStack()->redo();
        QCOMPARE(layerPixel(paintLayers().front(), 200, 100).alpha(), 0);
        QCOMPARE(layerPixel(paintLayers().front(), 120, 100).alpha(), 255);

        // Drawn on the canvas (under the masks), and not in the "result only" view.
        const QPoint painted = test::widgetPoint(canvas(), 120, 100);
        QCOMPARE(canvas()->grab().toImage().pixelColor(painted), QColor(200, 40, 30));
        canvas()->setPreviewMode(PreviewMode::ResultOnly);
        QVERIFY(canvas()->grab().toImage().pixelColor(painted) != QColor(200, 40, 30));
        canvas()->setPreviewMode(PreviewMode::Both);

        // Hiding the layer and its opacity are steps too, from the layers panel.
        LayersPanel* panel = window()->images()->layersPanel();
        panel->list()->item(0)->setCheckState(Qt::Unchecked);
        QVERIFY(!paintLayers().front().visible);
        panel->opacitySlider()->setValue(40);
        QCOMPARE(paintLayers().front().opacity, 0.4f);
        doc()->undoStack()->undo();
        QCOMPARE(paintLayers().front().opacity, 1.f);
        doc()->undoStack()->undo();
        QVERIFY(paintLayers().front().visible);
    }

    void canvasResizesCarryThePaintLayers()
    {
        QGuiApplication::clipboard()->setImage(solid(512, 512, QColor(0, 128, 255)));
        QVERIFY(importer()->pasteImage());
        // Extend to the right (anchored left): the paint stays, the new part is transparent.
        doc()->setCanvasSize(768, 512, CanvasResize::anchored(0, 1));
        const PaintLayer* layer = &paintLayers().front();
        QCOMPARE(layer->pixels.width, 768);
        QCOMPARE(layerPixel(*layer, 500, 10), QColor(0, 128, 255, 255));
        QCOMPARE(layerPixel(*layer, 600, 10).alpha(), 0);
        doc()->undoStack()->undo();
        layer = &paintLayers().front();
        QCOMPARE(layer->pixels.width, 512);
        QCOMPARE(layerPixel(*layer, 500, 10), QColor(0, 128, 255, 255));
        // Scaled with the canvas: still covers it all.
        doc()->setCanvasSize(256, 256, CanvasResize::scale());
        layer = &paintLayers().front();
        QCOMPARE(layer->pixels.width, 256);
        QCOMPARE(layerPixel(*layer, 255, 255), QColor(0, 128, 255, 255));
    }

    void paintLayersAndStartSettingsAreSaved()
    {
        QGuiApplication::clipboard()->setImage(solid(512, 512, QColor(0, 128, 255)));
        QVERIFY(importer()->pasteImage());
        layers()->setOpacity(layers()->currentLayerId(), 0.5f);
        layers()->setStart(StartImage::Layers);
        layers()->setStrength(0.3f);
        const QString path = m_open->env.path("sketch.mdsp");
        window()->files()->setInteractive(false);
        QVERIFY(window()->files()->saveTo(path) && window()->files()->waitForWrites());
        QVERIFY(window()->files()->openPath(path, false));
        QCOMPARE(paintLayers().size(), size_t(1));
        QCOMPARE(paintLayers().front().opacity, 0.5f);
        QCOMPARE(layerPixel(paintLayers().front(), 5, 5), QColor(0, 128, 255, 255));
        QCOMPARE(doc()->project().settings.start, StartImage::Layers);
        QCOMPARE(doc()->project().settings.strength, 0.3f);
        QCOMPARE(window()->images()->layersPanel()->list()->count(), 1);
    }

    void pressureScalesTheDab()
    {
        layers()->addLayer();
        PaintTool* paint = window()->tools()->paint();
        paint->setMode(PaintTool::Mode::Brush);
        paint->setColour(Qt::black);
        paint->setDiameter(40);
        paint->setHardness(1.f);
        const auto stroke = [&](QPointF at, float pressure) {
            CanvasMouse m;
            m.pos = at;
            m.button = Qt::LeftButton;
            m.buttons = Qt::LeftButton;
            m.pressure = pressure;
            paint->press(m);
            paint->release(m);
        };
        stroke({100, 100}, 1.f);
        stroke({300, 100}, 0.25f);
        const PaintLayer& layer = paintLayers().back();
        QCOMPARE(layerPixel(layer, 100 + 15, 100).alpha(), 255); // full pressure: 20 px radius
        QCOMPARE(layerPixel(layer, 300 + 15, 100).alpha(), 0);   // a quarter: 5 px radius
        QVERIFY(layerPixel(layer, 300, 100).alpha() < 100);      // and a quarter as opaque
        QVERIFY(layerPixel(layer, 300, 100).alpha() > 30);
    }

    void tabletPressureReachesThePaintTool()
    {
        layers()->addLayer();
        window()->tools()->setTool(ToolPalette::Tool::Paint);
        PaintTool* paint = window()->tools()->paint();
        paint->setColour(Qt::black);
        paint->setDiameter(40);
        paint->setHardness(1.f);
        const auto send = [&](QEvent::Type type, QPointF canvasPos, qreal pressure,
                              Qt::MouseButtons buttons) {
            const QPointF pos = canvas()->canvasToWidget(canvasPos);
            QTabletEvent event(type, QPointingDevice::primaryPointingDevice(), pos,
                               canvas()->mapToGlobal(pos), pressure, 0, 0, 0, 0, 0, {},
                               Qt::LeftButton, buttons);
            QApplication::sendEvent(canvas(), &event);
            return event.isAccepted();
        };
        QVERIFY(send(QEvent::TabletPress, {200, 200}, 0.25, Qt::LeftButton));
        QVERIFY(send(QEvent::TabletMove, {210, 200}, 0.25, Qt::LeftButton));
        QVERIFY(send(QEvent::TabletRelease, {210, 200}, 0.25, Qt::NoButton));
        const PaintLayer& layer = paintLayers().back();
        const int alpha = layerPixel(layer, 205, 200).alpha();
        QVERIFY2(alpha > 30 && alpha < 100, qPrintable(QString::number(alpha)));
        QCOMPARE(layerPixel(layer, 205, 215).alpha(), 0); // a quarter of the 20 px radius
        QCOMPARE(doc()->undoStack()->undoText(), QStringLiteral("Paint stroke"));
    }

    void pickerTakesTheCompositedColour()
    {
        canvas()->setBaseImage(solid(512, 512, QColor(10, 200, 10)));
        layers()->addLayer();
        PaintTool* paint = window()->tools()->paint();
        paint->setColour(QColor(0, 0, 255));
        paint->setHardness(1.f);
        window()->tools()->setTool(ToolPalette::Tool::Paint);
        test::drag(canvas(), {{50, 50}, {60, 50}});
        window()->tools()->setTool(ToolPalette::Tool::Picker);
        const QPoint onPaint = test::widgetPoint(canvas(), 55, 50);
        QTest::mouseClick(canvas(), Qt::LeftButton, {}, onPaint);
        QCOMPARE(paint->colour(), QColor(0, 0, 255));
        QTest::mouseClick(canvas(), Qt::LeftButton, {}, test::widgetPoint(canvas(), 400, 400));
        QCOMPARE(paint->colour(), QColor(10, 200, 10)); // the result under no paint
        // Half-opaque layer: the mix of both.
        layers()->setOpacity(layers()->currentLayerId(), 0.5f);
        QTest::mouseClick(canvas(), Qt::LeftButton, {}, onPaint);
        QVERIFY(std::abs(paint->colour().blue() - 133) <= 1);
        QVERIFY(std::abs(paint->colour().green() - 100) <= 1);
        // Picking is no edit.
        QCOMPARE(doc()->undoStack()->undoText(), QStringLiteral("Paint layer opacity"));
    }

    void startAndStrengthAreUndoableAndSent()
    {
        auto* start = window()->findChild<QComboBox*>("startImage");
        auto* strength = window()->findChild<QSlider*>("strength");
        QVERIFY(start && strength);
        QVERIFY(!strength->isEnabled());
        QVERIFY(toGenerateRequest(doc()->project(), 1).initImage.empty());

        const QString path = writeImage("blue.png", solid(512, 512, Qt::blue));
        QVERIFY(importer()->importImageFile(path));
        Q_EMIT start->activated(start->findData(int(StartImage::Layers)));
        QCOMPARE(doc()->project().settings.start, StartImage::Layers);
        QVERIFY(strength->isEnabled());
        strength->setValue(40);
        strength->setValue(45); // one drag: one step
        QCOMPARE(doc()->project().settings.strength, 0.45f);
        GenerateRequest r = toGenerateRequest(doc()->project(), 5);
        QCOMPARE(r.initImage.width, 512);
        QCOMPARE(r.strength, 0.45f);
        QCOMPARE(QColor(toQImage(r.initImage).pixel(100, 100)), QColor(Qt::blue));

        doc()->undoStack()->undo();
        QCOMPARE(doc()->project().settings.strength, 0.75f);
        QCOMPARE(strength->value(), 75);
        doc()->undoStack()->undo();
        QCOMPARE(doc()->project().settings.start, StartImage::Noise);
        QCOMPARE(start->currentData().toInt(), int(StartImage::Noise));
        QVERIFY(!strength->isEnabled());

        // Last result: the newest one is the start image.
        addResult(QColor(250, 250, 0), 11);
        layers()->setStart(StartImage::LastResult);
        r = toGenerateRequest(doc()->project(), 5);
        QCOMPARE(QColor(toQImage(r.initImage).pixel(1, 1)), QColor(250, 250, 0));
        QCOMPARE(r.strength, 0.75f);
    }

    void rerollRedrawsOneRegionWithANewSeed()
    {
        const std::uint32_t left = rectRegion(doc(), QRect(0, 0, 200, 512), "a forest");
        const std::uint32_t right = rectRegion(doc(), QRect(300, 0, 212, 512), "a castle");
        doc()->setCurrentRegion(right);
        QAction* reroll = actions()->rerollAction();
        QVERIFY(!reroll->isEnabled());
        QVERIFY(reroll->toolTip().contains("generate an image first"));
        QMenu* empty = actions()->canvasMenu(QPointF(400, 100), window());
        QVERIFY(!empty->findChild<QAction*>("canvasReroll")->isEnabled());
        delete empty;

        addResult(QColor(90, 90, 90), 1234);
        QVERIFY(reroll->isEnabled());
        // Right click on the left region: it becomes current; the menu rerolls it.
        QMenu* menu = actions()->canvasMenu(QPointF(100, 100), window());
        QCOMPARE(doc()->currentRegionId(), left);
        QAction* item = menu->findChild<QAction*>("canvasReroll");
        QVERIFY(item && item->isEnabled());
        QVERIFY(item->text().contains("a forest"));
        item->trigger();
        delete menu;
        const GenerateRequest* r = actions()->lastRequest();
        QVERIFY(r);
        QCOMPARE(r->seed, std::uint64_t(1234)); // the rest keeps the result's noise
        QCOMPARE(r->initImage.width, 512);
        QCOMPARE(r->strength, 1.f);
        QCOMPARE(r->rerollMask.width, 512);
        QCOMPARE(r->rerollMask.values[100 * 512 + 100], 1.f);
        QCOMPARE(r->rerollMask.values[100 * 512 + 400], 0.f);
        QCOMPARE(r->regions.size(), size_t(2));
        QVERIFY(r->regions[0].seed.has_value());
        QVERIFY(!r->regions[1].seed.has_value());
        QCOMPARE(doc()->model()->region(left)->seed, r->regions[0].seed);
        QVERIFY(!doc()->model()->region(right)->seed.has_value());
        const std::uint64_t first = *r->regions[0].seed;
        cancelRun();
        // Again from the regions panel's button: another seed, still only that region.
        reroll->trigger();
        QVERIFY(*actions()->lastRequest()->regions[0].seed != first);
        QVERIFY(!actions()->lastRequest()->regions[1].seed.has_value());
        cancelRun();
    }

    void upscaleRequestIsTheCanvasTimesTheFactor()
    {
        doc()->setCanvasSize(256, 192);
        const std::uint32_t box = doc()->addBoxRegion(Box{16, 16, 64, 64});
        doc()->setRegionPrompt(box, "a moon");
        addResult(QColor(20, 30, 40), 77);
        ResultsStrip* strip = window()->resultsStrip();
        strip->selectResult(doc()->project().results.back().id);
        QToolButton* button = strip->upscaleButton();
        QVERIFY(button->isEnabled());
        QStringList offered;
        for (QAction* a : button->menu()->actions())
            offered << a->text();
        QCOMPARE(offered, QStringList({"1.5×", "2×", "3×", "4×"}));
        button->menu()->actions().at(1)->trigger(); // 2x
        const GenerateRequest* r = actions()->lastRequest();
        QVERIFY(r);
        QCOMPARE(r->width, 512);
        QCOMPARE(r->height, 384);
        QCOMPARE(r->initImage.width, 512);
        QCOMPARE(r->initImage.height, 384);
        QCOMPARE(r->seed, std::uint64_t(77));
        QCOMPARE(r->strength, actions()->upscaleStrength());
        QCOMPARE(r->regions.size(), size_t(1));
        QVERIFY(r->regions[0].box.has_value());
        QCOMPARE(r->regions[0].box->x, 32);
        QCOMPARE(r->regions[0].box->width, 128);
        cancelRun();
        // 1.5x rounds to multiples of 8.
        QCOMPARE(upscaledSide(100 * 8, 1.5), 1200);
        QCOMPARE(upscaledSide(520, 1.5), 784);
    }

    void rerollAndUpscaleRunThroughTheWorker()
    {
        const QString model = test::testModelPath();
        if (model.isEmpty())
            QSKIP("no model to generate with");
        window()->session()->chooseModel(model);
        QTRY_VERIFY_WITH_TIMEOUT(window()->generation()->modelState() !=
                                     GenerationController::ModelState::Loading,
                                 300000);
        if (window()->generation()->modelState() != GenerationController::ModelState::Ready)
            QSKIP("the engine cannot load the test model");
        doc()->setCanvasSize(64, 64);
        GenerationSettings s = doc()->project().settings;
        s.steps = 4; // the upscale's strength 0.35 runs int(4 * 0.35) = 1 step
        s.seed = 3;
        s.seedMode = SeedMode::Fixed;
        s.sampler = SamplerKind::Euler;
        doc()->setSettings(s);
        const std::uint32_t id = rectRegion(doc(), QRect(0, 0, 32, 64), "a red square");
        window()->session()->generate();
        QTRY_COMPARE_WITH_TIMEOUT(doc()->project().results.size(), size_t(1), 300000);
        const std::uint32_t first = doc()->project().results.back().id;

        doc()->setCurrentRegion(id);
        QVERIFY(actions()->reroll({id}));
        QTRY_COMPARE_WITH_TIMEOUT(doc()->project().results.size(), size_t(2), 300000);
        const ProjectResult& rerolled = doc()->project().results.back();
        QVERIFY(rerolled.rerollMask);
        QVERIFY(rerolled.startImage);
        QCOMPARE(rerolled.image.width, 64);
        // Outside the region (x >= 32, its soft edge aside) the pixels are the first result's.
        const RgbImage& before = doc()->project().results.front().image;
        double outside = 0, inside = 0;
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 64; ++x)
                for (int c = 0; c < 3; ++c) {
                    const size_t i = (size_t(y) * 64 + x) * 3 + c;
                    const double d = std::abs(int(rerolled.image.pixels[i]) - before.pixels[i]);
                    (x >= 40 ? outside : inside) += d;
                }
        qInfo("reroll: mean |change| inside %.2f, outside %.2f", inside / (64 * 32 * 3),
              outside / (64 * 24 * 3));
        QCOMPARE(outside, 0.0);

        QVERIFY(actions()->upscale(first, 2.0));
        QTRY_COMPARE_WITH_TIMEOUT(doc()->project().results.size(), size_t(3), 300000);
        const ProjectResult& up = doc()->project().results.back();
        QCOMPARE(up.image.width, 128);
        QCOMPARE(up.image.height, 128);
        QCOMPARE(up.sourceResultId, first);
        QCOMPARE(up.upscale, 2.0);
        // Shown on the canvas, scaled to fit (the canvas stays 64x64).
        QTRY_VERIFY(!canvas()->baseImage().isNull());
        QCOMPARE(canvas()->baseImage().width(), 128);
        QCOMPARE(doc()->project().width, 64);
        // Its settings bring back the canvas it was made from, not its upscaled size.
        window()->session()->useSettingsOf(doc()->project().results.back().id);
        QCOMPARE(doc()->project().width, 64);
        QCOMPARE(doc()->project().height, 64);
        QCOMPARE(doc()->project().regions.front().mask.width, 64);
    }
};

QTEST_MAIN(ImageConditioningTest)
#include "ImageConditioningTest.moc"

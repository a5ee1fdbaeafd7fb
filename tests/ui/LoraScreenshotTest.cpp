// Issue 14's screenshot under Xvfb, saved in $MD_SCREENSHOT_DIR as lora-browser.png (a copy
// in docs/screenshots/): the "LoRAs" dock listing a folder of small test LoRAs (read by the
// engine's header reader: family, format, rank, trigger words), an SDXL one greyed beside a
// loaded SD 1.x model, the filter, and a region whose prompt carries a LoRA, badged in the
// region list.

#include "UiTestSupport.h"
#include "engine/common/KohyaLoraStub.h"
#include "ui/LoraFeatures.h"
#include "ui/Theme.h"
#include "ui/document/DocumentController.h"
#include "ui/loras/LoraBrowser.h"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QTest>

using namespace md;
using test::screenshotDir;

class LoraScreenshotTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void loraBrowser()
    {
        applyTheme(*qApp);
        test::UiTestEnvironment env;
        QVERIFY(QDir(env.dir.path()).mkpath("loras"));
        const auto file = [&](const char* name) {
            return env.path(QString("loras/%1.safetensors").arg(name)).toStdString();
        };
        QVERIFY(test::writeKohyaLoraStub(file("pixel-art"), 768,
                                         {{"10_pixel", {{"pixel art", 40}, {"8bit", 32}}}}));
        QVERIFY(test::writeKohyaLoraStub(
            file("watercolour"), 768, {{"8_wc", {{"watercolor", 50}, {"paper texture", 20}}}}, 16));
        QVERIFY(test::writeKohyaLoraStub(file("knight-character"), 768,
                                         {{"20_kn", {{"sir aldric", 60}, {"armor", 25}}}}, 32));
        QVERIFY(test::writeKohyaLoraStub(file("ink-lines"), 768, nullptr, 8));
        QVERIFY(test::writeKohyaLoraStub(file("xl-film-grain"), 2048,
                                         {{"5_film", {{"film grain", 30}}}}));
        env.settings->setLoraFolder(env.path("loras"));

        MainWindow window(env.settings.get());
        window.resize(1600, 1150);
        window.move(0, 0);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        DocumentController* doc = window.document();
        doc->setCanvasSize(768, 512);
        doc->setBackgroundPrompt("a castle courtyard at dusk <lora:watercolour:0.7>");
        const std::uint32_t sky = doc->addBoxRegion({0, 0, 768, 200});
        doc->setRegionPrompt(sky, "a stormy sky");
        const std::uint32_t knight = doc->addBoxRegion({260, 180, 260, 320});
        doc->setRegionPrompt(knight, "sir aldric, a knight in armor <lora:knight-character:0.9>");
        doc->setCurrentRegion(knight);

        LoraBrowser* browser = window.loras()->browser();
        window.loras()->reload();
        browser->setModelFamily("SD 1.x");
        QTest::qWait(50);
        window.loras()->dock()->raise(); // a tab beside the paint layers
        auto* prompts = window.findChild<QDockWidget*>("regionsDock");
        QVERIFY(prompts);
        window.resizeDocks({prompts, window.loras()->dock()}, {560, 470}, Qt::Vertical);
        QVERIFY(browser->select("knight-character"));
        window.canvas()->fitToWindow();
        QTest::qWait(200);
        QVERIFY(window.grab().toImage().save(screenshotDir() + "/lora-browser.png"));
    }
};

QTEST_MAIN(LoraScreenshotTest)
#include "LoraScreenshotTest.moc"

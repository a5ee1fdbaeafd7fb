// The LoRA support of the main window (issue 14), on the offscreen platform: the catalog's
// filter and family rules, the "LoRAs" dock listing the preference's folder (read with the
// engine's header reader), greyed LoRAs for another family, Insert and double-click putting
// <lora:NAME:1> into the focused prompt (background or region, undoable), and the region
// list's LoRA badges.

#include "ui/loras/LoraBrowser.h"

#include "UiTestSupport.h"
#include "engine/common/KohyaLoraStub.h"
#include "ui/LoraFeatures.h"
#include "ui/document/DocumentController.h"
#include "ui/document/UndoHistory.h"
#include "ui/generation/GenerationController.h"
#include "ui/panels/PromptEdit.h"
#include "ui/panels/RegionItemDelegate.h"
#include "ui/panels/RegionsPanel.h"

#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTest>
#include <QUndoStack>

using namespace md;

namespace {

const nlohmann::json kPixelTags = {{"10_pixel", {{"pixel art", 40}, {"8bit", 12}}},
                                   {"5_more", {{"8bit", 30}, {"sprite", 3}}}};

Result<LoraInfo> fakeInspect(const std::string& path)
{
    if (path.find("broken") != std::string::npos)
        return Status::error(path + ": not a LoRA file");
    LoraInfo i;
    i.path = path;
    i.name = path.substr(path.find_last_of('/') + 1);
    i.name.resize(i.name.size() - std::string(".safetensors").size());
    i.family = i.name.rfind("xl", 0) == 0 ? "SDXL" : "SD 1.x";
    i.format = "kohya";
    i.rank = 8;
    if (i.name == "pixel")
        i.triggerWords = {"pixel art", "8bit"};
    return i;
}

} // namespace

class LoraBrowserTest : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TestWindow> m_w;

    MainWindow& window() { return m_w->window; }
    LoraBrowser* browser() { return window().loras()->browser(); }
    QString path(const QString& name) { return m_w->env.path(name); }

    // The folder "loras" with pixel (SD 1.x, trigger words), watercolour (SD 1.x), xlstyle
    // (SDXL) and notes.safetensors (not a LoRA), set as the preference and listed.
    void makeFolder()
    {
        QVERIFY(QDir(m_w->env.dir.path()).mkpath("loras"));
        QVERIFY(test::writeKohyaLoraStub(path("loras/pixel.safetensors").toStdString(), 768,
                                         kPixelTags));
        QVERIFY(test::writeKohyaLoraStub(path("loras/watercolour.safetensors").toStdString(), 768,
                                         nullptr, 16));
        QVERIFY(test::writeKohyaLoraStub(path("loras/xlstyle.safetensors").toStdString(), 2048));
        QFile notes(path("loras/notes.safetensors"));
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("not a safetensors file");
        notes.close();
        m_w->env.settings->setLoraFolder(path("loras"));
        window().loras()->reload();
    }

private Q_SLOTS:
    void init()
    {
        m_w = std::make_unique<test::TestWindow>();
        QVERIFY(m_w->ready());
    }
    void cleanup() { m_w.reset(); }

    void catalogFiltersNamesTriggerWordsAndFamilies()
    {
        QVERIFY(QDir(m_w->env.dir.path()).mkpath("fake"));
        for (const char* name : {"pixel", "watercolour", "xlstyle", "broken"})
            QVERIFY(test::writeKohyaLoraStub(
                path(QString("fake/%1.safetensors").arg(name)).toStdString(), 768));
        LoraCatalog c;
        QVERIFY(c.load(path("fake").toStdString(), fakeInspect).isOk());
        QCOMPARE(int(c.entries().size()), 4);
        QCOMPARE(c.entries()[0].name, std::string("broken"));
        QVERIFY(!c.entries()[0].error.empty());
        QCOMPARE(c.matching(""), (std::vector<std::size_t>{0, 1, 2, 3}));
        QCOMPARE(c.matching("8BIT"), (std::vector<std::size_t>{1}));
        QCOMPARE(c.matching("sdxl"), (std::vector<std::size_t>{3}));
        QCOMPARE(c.matching("kohya water"), (std::vector<std::size_t>{2}));
        QVERIFY(c.matching("nothing like it").empty());
        QVERIFY(!c.load(path("absent").toStdString(), fakeInspect).isOk());
        QVERIFY(c.entries().empty());

        QVERIFY(LoraCatalog::fitsModel("SD 1.x", "SD 1.x"));
        QVERIFY(!LoraCatalog::fitsModel("SDXL", "SD 1.x"));
        QVERIFY(LoraCatalog::fitsModel("SDXL", ""));        // no model loaded
        QVERIFY(LoraCatalog::fitsModel("unknown", "SDXL")); // cannot tell
        QVERIFY(
            LoraCatalog::fitsModel("embedded", "embedded (SD-shaped, sentencepiece tokenizer)"));
        QVERIFY(!LoraCatalog::fitsModel("SD 1.x", "embedded (SD-shaped, sentencepiece tokenizer)"));
        QCOMPARE(LoraCatalog::tagFor("pixel"), std::string("<lora:pixel:1>"));
    }

    void theDockListsTheFolderWithFamiliesAndTriggerWords()
    {
        auto* dock = window().findChild<QDockWidget*>("lorasDock");
        QVERIFY(dock);
        QVERIFY(browser()->statusLabel()->text().contains("Preferences"));
        QCOMPARE(browser()->list()->count(), 0);

        QVERIFY(window().generation()->loraDirs().empty());

        makeFolder();
        // Every request the app sends (generations, estimates) carries the folder.
        QCOMPARE(window().generation()->loraDirs(),
                 std::vector<std::string>{path("loras").toStdString()});
        QListWidget* list = browser()->list();
        QCOMPARE(list->count(), 4);
        QVERIFY(browser()->statusLabel()->text().startsWith("3 LoRAs in "));
        QCOMPARE(list->item(0)->text().section('\n', 0, 0), QString("notes"));
        QVERIFY(list->item(0)->text().contains("not a LoRA"));
        const QString pixel = list->item(1)->text();
        QVERIFY2(pixel.startsWith("pixel\nSD 1.x · kohya · rank 4"), qPrintable(pixel));
        // The most frequent tags of ss_tag_frequency first (8bit: 42, pixel art: 40).
        QVERIFY2(pixel.contains("trigger: 8bit, pixel art, sprite"), qPrintable(pixel));
        QVERIFY(list->item(2)->text().contains("rank 16"));
        QVERIFY(list->item(3)->text().startsWith("xlstyle\nSDXL"));

        QTest::keyClicks(browser()->filterEdit(), "sprite");
        QCOMPARE(list->count(), 1);
        QVERIFY(list->item(0)->text().startsWith("pixel"));
        browser()->filterEdit()->clear();
        QCOMPARE(list->count(), 4);

        // Another family than the loaded model's: greyed, and the tooltip says why.
        browser()->setModelFamily("SD 1.x");
        const QColor dim = browser()->palette().color(QPalette::Disabled, QPalette::Text);
        QCOMPARE(list->item(3)->foreground().color(), dim);
        QVERIFY(list->item(3)->toolTip().contains("Made for SDXL models; the loaded model is "
                                                  "SD 1.x"));
        QVERIFY(list->item(1)->foreground().style() == Qt::NoBrush);
        QVERIFY(browser()->select("pixel"));
        QVERIFY(browser()->insertButton()->isEnabled());
        list->setCurrentRow(0); // not a LoRA: nothing to insert
        QVERIFY(!browser()->insertButton()->isEnabled());
    }

    void insertPutsTheTagIntoTheFocusedPrompt()
    {
        makeFolder();
        DocumentController* doc = window().document();
        auto* background = window().findChild<PromptEdit*>("backgroundPrompt");
        QVERIFY(background);
        doc->setBackgroundPrompt("a harbour");
        background->setFocus();
        QTRY_VERIFY(background->hasFocus());
        background->moveCursor(QTextCursor::End);

        // Double-click on the list: into the background prompt, after a space.
        window().loras()->dock()->raise(); // a tab beside the paint layers
        QListWidget* list = browser()->list();
        QTRY_VERIFY(list->isVisible());
        QVERIFY(browser()->select("watercolour"));
        const QRect rect = list->visualItemRect(list->currentItem());
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
        QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(QString::fromStdString(doc->project().prompt),
                 QString("a harbour <lora:watercolour:1>"));

        // A region's prompt, through the Insert button.
        const std::uint32_t id = doc->addBoxRegion({0, 0, 128, 128});
        doc->setCurrentRegion(id);
        auto* regionPrompt = window().findChild<PromptEdit*>("regionPrompt");
        QVERIFY(regionPrompt);
        QTRY_VERIFY(regionPrompt->isVisible());
        regionPrompt->setFocus();
        QTRY_VERIFY(regionPrompt->hasFocus());
        QTest::keyClicks(regionPrompt, "a knight");
        QVERIFY(browser()->select("pixel"));
        QTest::mouseClick(browser()->insertButton(), Qt::LeftButton);
        QCOMPARE(QString::fromStdString(findRegion(doc->project(), id)->prompt),
                 QString("a knight <lora:pixel:1>"));
        QCOMPARE(QString::fromStdString(doc->project().prompt),
                 QString("a harbour <lora:watercolour:1>"));
        QVERIFY(regionPrompt->hasFocus()); // typing goes on where it was

        // One undo takes the insert back.
        doc->undoStack()->undo();
        QVERIFY(!QString::fromStdString(findRegion(doc->project(), id)->prompt).contains("lora"));
    }

    void theRegionListShowsWhichRegionsCarryLoras()
    {
        DocumentController* doc = window().document();
        const std::uint32_t plain = doc->addBoxRegion({0, 0, 64, 64});
        doc->setRegionPrompt(plain, "a calm sea");
        const std::uint32_t styled = doc->addBoxRegion({64, 64, 64, 64});
        doc->setRegionPrompt(styled, "a knight <lora:pixel:0.8> <lora:hero:1:0.5>");
        QListWidget* list = window().regionsPanel()->list();
        QListWidgetItem* plainItem = nullptr;
        QListWidgetItem* styledItem = nullptr;
        for (int i = 0; i < list->count(); ++i) {
            const auto id = list->item(i)->data(Qt::UserRole).toUInt();
            if (id == plain)
                plainItem = list->item(i);
            if (id == styled)
                styledItem = list->item(i);
        }
        QVERIFY(plainItem && styledItem);
        QVERIFY(plainItem->data(RegionItemDelegate::LorasRole).toStringList().isEmpty());
        QCOMPARE(styledItem->data(RegionItemDelegate::LorasRole).toStringList(),
                 (QStringList{"pixel", "hero"}));
        QVERIFY2(styledItem->toolTip().contains(
                     "LoRAs in this region only: pixel (0.8), hero (1, text 0.5)"),
                 qPrintable(styledItem->toolTip()));
        // Edited away: the badge goes.
        doc->setRegionPrompt(styled, "a knight");
        QTRY_VERIFY(styledItem->data(RegionItemDelegate::LorasRole).toStringList().isEmpty());
    }
};

QTEST_MAIN(LoraBrowserTest)
#include "LoraBrowserTest.moc"

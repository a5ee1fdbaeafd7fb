// The app follows the model's family and native size: the model picker names each model's
// family (read from its header, nothing loaded), the size presets are SDXL's aspect-ratio
// buckets for SDXL and SD 1.x's list at 512, and new documents (File > New, and the untouched
// canvas the app starts with) take the native size. The panel and the document get SDXL's
// ModelInfo values directly in the first cases; the last two load the SD 1.5 fixture and the
// SDXL single file through the real worker.

#include "UiTestSupport.h"
#include "ui/document/DocumentController.h"
#include "ui/document/UndoHistory.h"
#include "ui/files/FileActions.h"
#include "ui/generation/GenerationController.h"
#include "ui/panels/GenerationPanel.h"

#include <QComboBox>
#include <QFile>
#include <QTest>

using namespace md;

namespace {

QString fixture(const QString& name)
{
    QString dir = qEnvironmentVariable("MD_FIXTURES_DIR");
    if (dir.isEmpty())
        dir = QStringLiteral(MD_FIXTURES_DIR_DEFAULT);
    return QDir(dir).filePath(name);
}

QStringList items(const QComboBox* combo)
{
    QStringList out;
    for (int i = 0; i < combo->count(); ++i)
        out << combo->itemText(i);
    return out;
}

} // namespace

class ModelFormatTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pickerNamesEachModelsFamily()
    {
        test::UiTestEnvironment env;
        DocumentController doc;
        GenerationPanel panel(&doc, env.settings.get());
        const QStringList models{fixture("tiny-sd15"), fixture("tiny-sd15.safetensors"),
                                 fixture("sdxl/tiny-sdxl"), fixture("sdxl/tiny-sdxl.safetensors")};
        for (const QString& m : models)
            QVERIFY2(QFileInfo::exists(m), qPrintable(m));
        panel.setModels({}, models, models.last());
        const QStringList texts = items(panel.modelCombo());
        QVERIFY2(texts.contains(QString::fromUtf8("tiny-sd15 · SD 1.x")),
                 qPrintable(texts.join('|')));
        QVERIFY2(texts.contains(QString::fromUtf8("tiny-sd15.safetensors · SD 1.x")),
                 qPrintable(texts.join('|')));
        QVERIFY2(texts.contains(QString::fromUtf8("tiny-sdxl · SDXL")),
                 qPrintable(texts.join('|')));
        QVERIFY2(texts.contains(QString::fromUtf8("tiny-sdxl.safetensors · SDXL")),
                 qPrintable(texts.join('|')));
        QCOMPARE(panel.modelCombo()->currentText(),
                 QString::fromUtf8("tiny-sdxl.safetensors · SDXL"));
        // A file that is no model: its name alone.
        QFile notes(env.path("notes.safetensors"));
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("not a checkpoint");
        notes.close();
        QCOMPARE(panel.modelFamily(env.path("notes.safetensors")), QString());
    }

    void sizePresetsFollowTheModel()
    {
        test::UiTestEnvironment env;
        DocumentController doc;
        GenerationPanel panel(&doc, env.settings.get());
        QComboBox* presets = panel.sizePresetCombo();
        // Before any model: SD 1.x's list, as before.
        const QStringList sd1{QString::fromUtf8("Square 512 × 512"),
                              QString::fromUtf8("Landscape 768 × 512"),
                              QString::fromUtf8("Portrait 512 × 768"),
                              QString::fromUtf8("Wide 1024 × 512"),
                              QString::fromUtf8("Panorama 2048 × 512"),
                              QString::fromUtf8("Panorama 4096 × 512"),
                              QString::fromUtf8("Tall 512 × 2048"),
                              QString::fromUtf8("Large 1024 × 1024"),
                              QStringLiteral("Custom")};
        QCOMPARE(items(presets), sd1);
        QCOMPARE(presets->currentIndex(), 0); // the 512 x 512 canvas

        panel.setModelFormat("SDXL", 1024, 1024);
        const QStringList xl = items(presets);
        for (const char* bucket :
             {"Square 1024 × 1024", "Landscape 1152 × 896", "Portrait 896 × 1152",
              "Landscape 1216 × 832", "Portrait 832 × 1216", "Wide 1344 × 768", "Tall 768 × 1344",
              "Wide 1536 × 640", "Tall 640 × 1536"})
            QVERIFY2(xl.contains(QString::fromUtf8(bucket)), bucket);
        QCOMPARE(xl.first(), QString::fromUtf8("Square 1024 × 1024"));
        QCOMPARE(xl.last(), QStringLiteral("Custom"));
        QVERIFY(!xl.contains(QString::fromUtf8("Square 512 × 512")));
        QCOMPARE(presets->currentText(), QStringLiteral("Custom")); // 512 x 512 is no bucket

        // Choosing a bucket sizes the canvas (one undo step) and stays selected.
        const int landscape = presets->findText(QString::fromUtf8("Landscape 1216 × 832"));
        QVERIFY(landscape >= 0);
        presets->setCurrentIndex(landscape);
        Q_EMIT presets->activated(landscape);
        QCOMPARE(doc.project().width, 1216);
        QCOMPARE(doc.project().height, 832);
        QCOMPARE(presets->currentIndex(), landscape);
        QCOMPARE(doc.undoStack()->count(), 1);

        // Back to an SD 1.x model: its list again; the SDXL size is Custom there.
        panel.setModelFormat("SD 1.x", 512, 512);
        QCOMPARE(items(presets), sd1);
        QCOMPARE(presets->currentText(), QStringLiteral("Custom"));
    }

    void newDocumentsTakeTheNativeSize()
    {
        DocumentController doc;
        QCOMPARE(doc.project().width, 512);
        QVERIFY(doc.isUntouched());
        // The untouched start-up canvas follows the loaded model, without an edit.
        doc.setNativeSize(1024, 1024);
        QCOMPARE(doc.project().width, 1024);
        QCOMPARE(doc.project().height, 1024);
        QVERIFY(!doc.isDirty());
        QCOMPARE(doc.undoStack()->count(), 0);
        QCOMPARE(doc.newProjectForModel().width, 1024);
        QCOMPARE(doc.newProjectForModel().height, 1024);

        // Once the artist has started, the canvas stays; File > New takes the new size.
        doc.setBackgroundPrompt("a harbour");
        QVERIFY(!doc.isUntouched());
        doc.setNativeSize(512, 512);
        QCOMPARE(doc.project().width, 1024);
        QCOMPARE(doc.newProjectForModel().width, 512);
        // Sizes the engine cannot take are ignored.
        doc.setNativeSize(100, 0);
        QCOMPARE(doc.nativeWidth(), 512);
    }

    void fileNewUsesTheLoadedModelsSize()
    {
        test::TestWindow w;
        QVERIFY(w.ready());
        w.window.document()->setNativeSize(1024, 1024); // what loading an SDXL model does
        w.window.document()->setBackgroundPrompt("something to lose");
        w.window.document()->markSaved(w.env.path("kept.mdsp"));
        w.window.files()->newProject();
        QCOMPARE(w.window.document()->project().width, 1024);
        QCOMPARE(w.window.document()->project().height, 1024);
        QVERIFY(w.window.document()->project().prompt.empty());
    }

    void loadingAModelSetsFormatAndFamily()
    {
        test::TestWindow w;
        QVERIFY(w.ready());
        const QString model = fixture("tiny-sd15");
        w.window.session()->chooseModel(model);
        QTRY_VERIFY_WITH_TIMEOUT(w.window.generation()->modelState() !=
                                     GenerationController::ModelState::Loading,
                                 120000);
        QCOMPARE(w.window.generation()->modelState(), GenerationController::ModelState::Ready);
        QCOMPARE(w.window.document()->nativeWidth(), 512);
        QCOMPARE(w.window.document()->project().width, 512);
        GenerationPanel* panel = w.window.generationPanel();
        QCOMPARE(panel->sizePresetCombo()->itemText(0), QString::fromUtf8("Square 512 × 512"));
        QVERIFY2(panel->modelCombo()->currentText().endsWith(QString::fromUtf8(" · SD 1.x")),
                 qPrintable(panel->modelCombo()->currentText()));
    }

    void openingAnSdxlFileSwitchesToItsBuckets()
    {
        // The SGM single file, no tokenizer given: loads on the worker, the canvas becomes
        // 1024 x 1024 and the sizes offered are SDXL's buckets.
        test::TestWindow w;
        QVERIFY(w.ready());
        w.window.session()->chooseModel(fixture("sdxl/tiny-sdxl.safetensors"));
        QTRY_VERIFY_WITH_TIMEOUT(w.window.generation()->modelState() !=
                                     GenerationController::ModelState::Loading,
                                 120000);
        QCOMPARE(w.window.generation()->modelState(), GenerationController::ModelState::Ready);
        QCOMPARE(w.window.document()->nativeWidth(), 1024);
        QCOMPARE(w.window.document()->project().width, 1024);
        GenerationPanel* panel = w.window.generationPanel();
        QCOMPARE(panel->sizePresetCombo()->itemText(0), QString::fromUtf8("Square 1024 × 1024"));
        QVERIFY2(panel->modelCombo()->currentText().endsWith(QString::fromUtf8(" · SDXL")),
                 qPrintable(panel->modelCombo()->currentText()));
    }
};

QTEST_MAIN(ModelFormatTest)
#include "ModelFormatTest.moc"

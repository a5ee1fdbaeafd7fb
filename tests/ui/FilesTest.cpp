// Save -> Open through the app's file actions restores everything; PNG export reopens;
// autosave writes a recovery file that a later session finds.

#include "UiTestSupport.h"
#include "document/ProjectFile.h"
#include "ui/ImageConversion.h"
#include "ui/document/DocumentController.h"
#include "ui/document/UndoHistory.h"
#include "ui/files/Autosave.h"
#include "ui/files/FileActions.h"
#include "ui/panels/RegionsPanel.h"
#include "ui/panels/ResultsStrip.h"

#include <QElapsedTimer>
#include <QFile>
#include <QListWidget>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTest>
#include <cmath>
#include <sys/stat.h>

using namespace md;

namespace {

// A project with a soft painted mask, a box, prompts, settings and one result.
void buildProject(DocumentController* doc)
{
    doc->setBackgroundPrompt("a quiet harbour at dawn");
    doc->setBackgroundNegative("text, watermark");
    const std::uint32_t boat = doc->addMaskRegion();
    doc->setRegionName(boat, "Boat");
    doc->setRegionPrompt(boat, "a red fishing boat");
    doc->setRegionNegative(boat, "people");
    doc->setRegionStrength(boat, 1.5f);
    MaskImage mask = blankMask(512, 512);
    for (int y = 0; y < 512; ++y)
        for (int x = 0; x < 512; ++x)
            mask.values[size_t(y) * 512 + x] = std::clamp((x - 100) / 200.f, 0.f, 1.f);
    doc->replaceMask(boat, mask, "paint");
    const std::uint32_t sun = doc->addBoxRegion(Box{320, 32, 128, 96});
    doc->setRegionName(sun, "Sun");
    doc->setRegionPrompt(sun, "a low orange sun");
    doc->setRegionVisible(sun, false);
    GenerationSettings s = doc->project().settings;
    s.steps = 13;
    s.cfg = 6.5f;
    s.seed = 4242;
    s.seedMode = SeedMode::Fixed;
    s.sampler = SamplerKind::EulerAncestral;
    s.bootstrapSteps = 3;
    doc->setSettings(s);
    QImage image(512, 512, QImage::Format_RGB888);
    image.fill(QColor(40, 90, 160));
    ProjectResult result = makeResult(doc->project(), toRgbImage(image), 4242);
    doc->addResult(result);
}

} // namespace

class FilesTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void saveThenOpenRestoresEverything()
    {
        test::UiTestEnvironment env;
        const QString path = env.path("harbour.mdsp");
        Project saved;
        {
            MainWindow window(env.settings.get());
            window.files()->setInteractive(false);
            buildProject(window.document());
            QVERIFY(window.document()->isDirty());
            QVERIFY(window.files()->saveTo(path));
            QVERIFY2(window.files()->waitForWrites(), qPrintable(window.files()->lastError()));
            QVERIFY(!window.document()->isDirty());
            QCOMPARE(window.document()->filePath(), path);
            QVERIFY(window.windowTitle().startsWith("harbour.mdsp"));
            saved = window.document()->project();
        }
        QCOMPARE(env.settings->recentFiles().value(0), QFileInfo(path).absoluteFilePath());

        MainWindow window(env.settings.get());
        window.files()->setInteractive(false);
        QVERIFY2(window.files()->openPath(path), qPrintable(window.files()->lastError()));
        const Project& p = window.document()->project();
        QCOMPARE(p.prompt, saved.prompt);
        QCOMPARE(p.negative, saved.negative);
        QCOMPARE(p.width, saved.width);
        QCOMPARE(p.regions.size(), saved.regions.size());
        for (size_t i = 0; i < p.regions.size(); ++i) {
            const ProjectRegion& a = p.regions[i];
            const ProjectRegion& b = saved.regions[i];
            QCOMPARE(a.id, b.id);
            QCOMPARE(a.name, b.name);
            QCOMPARE(a.prompt, b.prompt);
            QCOMPARE(a.negative, b.negative);
            QCOMPARE(a.strength, b.strength);
            QCOMPARE(a.kind, b.kind);
            QCOMPARE(a.visible, b.visible);
            QVERIFY(a.colour == b.colour);
            if (a.kind == RegionKind::Box) {
                QCOMPARE(a.box.x, b.box.x);
                QCOMPARE(a.box.width, b.box.width);
            } else {
                QCOMPARE(a.mask.values.size(), b.mask.values.size());
                for (size_t k = 0; k < a.mask.values.size(); k += 97)
                    QVERIFY(std::abs(a.mask.values[k] - b.mask.values[k]) <= 0.5f / 255 + 1e-6f);
            }
        }
        QCOMPARE(p.settings.steps, 13);
        QCOMPARE(p.settings.seed, std::uint64_t(4242));
        QCOMPARE(p.settings.sampler, SamplerKind::EulerAncestral);
        QCOMPARE(p.settings.bootstrapSteps, 3);
        QCOMPARE(p.results.size(), size_t(1));
        QCOMPARE(p.results[0].image.pixels, saved.results[0].image.pixels);
        // The widgets follow the opened project.
        QCOMPARE(window.regionsPanel()->list()->count(), 2);
        QCOMPARE(window.resultsStrip()->list()->count(), 1);
        QVERIFY(!window.document()->isDirty());
        QCOMPARE(window.document()->undoStack()->count(), 0);
    }

    void exportedPngOpensAsUntitledProject()
    {
        test::UiTestEnvironment env;
        MainWindow window(env.settings.get());
        window.files()->setInteractive(false);
        buildProject(window.document());
        const std::uint32_t result = window.document()->project().results.front().id;
        const QString png = env.path("harbour-4242.png");
        QVERIFY(window.files()->exportResultTo(result, png));
        QVERIFY2(window.files()->waitForWrites(), qPrintable(window.files()->lastError()));
        QVERIFY(FileActions::isProjectFile(png));
        QVERIFY(QImage(png).size() == QSize(512, 512));

        window.files()->newProject();
        QVERIFY(window.document()->project().regions.empty());
        QVERIFY2(window.files()->openPath(png), qPrintable(window.files()->lastError()));
        QCOMPARE(window.document()->filePath(), QString()); // Save must not overwrite the PNG
        QCOMPARE(window.document()->project().prompt, std::string("a quiet harbour at dawn"));
        QCOMPARE(window.document()->project().regions.size(), size_t(2));
    }

    void droppedImageBecomesAMaskRegion()
    {
        test::UiTestEnvironment env;
        MainWindow window(env.settings.get());
        window.files()->setInteractive(false);
        QImage mask(256, 256, QImage::Format_Grayscale8);
        mask.fill(0);
        for (int y = 64; y < 192; ++y)
            for (int x = 64; x < 192; ++x)
                mask.setPixel(x, y, qRgb(255, 255, 255));
        const QString path = env.path("cat-mask.png");
        QVERIFY(mask.save(path));
        QVERIFY(!FileActions::isProjectFile(path));
        window.files()->openDropped({path});
        QCOMPARE(window.document()->project().regions.size(), size_t(1));
        const ProjectRegion& r = window.document()->project().regions.front();
        QCOMPARE(r.name, std::string("cat-mask"));
        QCOMPARE(r.mask.width, 512); // scaled to the canvas
        QVERIFY(r.mask.values[size_t(256) * 512 + 256] > 0.99f);
        QVERIFY(r.mask.values[size_t(20) * 512 + 20] < 0.01f);
        window.document()->undoStack()->undo();
        QVERIFY(window.document()->project().regions.empty());
    }

    // A FIFO as a project or a mask: refused at once with a message; the GUI never blocks.
    void aFifoIsRefusedWithoutBlocking()
    {
        test::UiTestEnvironment env;
        MainWindow window(env.settings.get());
        window.files()->setInteractive(false);
        const QString project = env.path("pipe.mdsp");
        const QString mask = env.path("pipe.png");
        QVERIFY(::mkfifo(QFile::encodeName(project).constData(), 0644) == 0);
        QVERIFY(::mkfifo(QFile::encodeName(mask).constData(), 0644) == 0);
        QElapsedTimer timer;
        timer.start();
        QVERIFY(!window.files()->openPath(project));
        QVERIFY2(window.files()->lastError().contains("is a FIFO (named pipe), not a regular file"),
                 qPrintable(window.files()->lastError()));
        QVERIFY(!FileActions::isProjectFile(mask));
        QVERIFY(!window.files()->importMaskFile(mask));
        QVERIFY2(window.files()->lastError().contains("is a FIFO (named pipe), not a regular file"),
                 qPrintable(window.files()->lastError()));
        QVERIFY(window.document()->project().regions.empty());
        QVERIFY(timer.elapsed() < 5000);
    }

    void autosaveLeavesARecoveryFileOnlyWhileDirty()
    {
        test::UiTestEnvironment env;
        MainWindow window(env.settings.get());
        window.files()->setInteractive(false);
        Autosave autosave(window.document(), 0);
        buildProject(window.document());
        QVERIFY(autosave.saveNow());
        autosave.wait();
        QVERIFY(QFileInfo::exists(autosave.recoveryFile()));
        Result<Project> recovered = loadProject(autosave.recoveryFile().toStdString());
        QVERIFY2(recovered.isOk(), recovered.error().c_str());
        QCOMPARE(recovered->regions.size(), size_t(2));
        // Our own session's file is not offered for recovery: its lock is held.
        for (const Autosave::Recovery& r : Autosave::findRecoverable())
            QVERIFY(r.file != autosave.recoveryFile());
        QVERIFY(window.files()->saveTo(env.path("saved.mdsp")));
        QVERIFY(window.files()->waitForWrites());
        QVERIFY(!QFileInfo::exists(autosave.recoveryFile()));
    }

    void aCrashedSessionIsOfferedForRecovery()
    {
        test::UiTestEnvironment env;
        QString file;
        {
            MainWindow window(env.settings.get());
            window.files()->setInteractive(false);
            window.files()->saveTo(env.path("harbour.mdsp"));
            QVERIFY(window.files()->waitForWrites());
            Autosave autosave(window.document(), 0);
            buildProject(window.document());
            QVERIFY(autosave.saveNow());
            autosave.wait();
            file = autosave.recoveryFile();
            // Simulate the crash: copy the files aside before the clean exit removes them,
            // with a lock left by a process that no longer exists.
            QVERIFY(QFile::copy(file, file + ".kept"));
            QVERIFY(QFile::copy(file.chopped(5) + ".origin", file + ".origin.kept"));
        }
        QVERIFY(QFile::rename(file + ".kept", file));
        QVERIFY(QFile::rename(file + ".origin.kept", file.chopped(5) + ".origin"));
        QFile lock(file.chopped(5) + ".lock");
        QVERIFY(lock.open(QIODevice::WriteOnly));
        lock.write("999999\nmdstudio\n" + QSysInfo::machineHostName().toUtf8() + "\n");
        lock.close();

        const auto found = Autosave::findRecoverable();
        const auto it = std::find_if(found.begin(), found.end(),
                                     [&](const Autosave::Recovery& r) { return r.file == file; });
        QVERIFY(it != found.end());
        QCOMPARE(it->originalPath, env.path("harbour.mdsp"));
        Result<Project> project = loadProject(it->file.toStdString());
        QVERIFY2(project.isOk(), project.error().c_str());
        QCOMPARE(project->prompt, std::string("a quiet harbour at dawn"));
        Autosave::discard(*it);
        QVERIFY(!QFileInfo::exists(file));
    }
};

QTEST_MAIN(FilesTest)
#include "FilesTest.moc"

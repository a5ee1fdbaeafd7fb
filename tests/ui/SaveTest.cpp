// Saves and exports run in the background: the Save slot returns to the event loop long
// before a big project is written, the dirty marker stays right when the document changes
// during the write, a failed save says why and keeps the document, and files round-trip.

#include "UiTestSupport.h"
#include "document/AtomicFile.h"
#include "document/FileType.h"
#include "document/ProjectFile.h"
#include "document/RegionPalette.h"
#include "ui/document/DocumentController.h"
#include "ui/files/Autosave.h"
#include "ui/files/FileActions.h"
#include "ui/files/ProjectWriter.h"
#include "ui/panels/PromptEdit.h"
#include "ui/panels/RegionsPanel.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QProgressBar>
#include <QSemaphore>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTest>
#include <QTimer>
#include <random>
#include <sys/stat.h>

using namespace md;

namespace {

// A 2048x512 panorama with four soft painted masks, a box and eight results of noise (the
// worst case for PNG encoding).
Project bigProject()
{
    Project p = DocumentController::newProject();
    p.width = 2048;
    p.height = 512;
    p.prompt = "a wide mountain range";
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> byte(0, 255);
    for (std::uint32_t i = 1; i <= 4; ++i) {
        ProjectRegion r;
        r.id = i;
        r.name = "Region " + std::to_string(i);
        r.prompt = "region " + std::to_string(i);
        r.colour = RegionPalette::colour(i);
        r.mask = blankMask(p.width, p.height);
        for (float& v : r.mask.values)
            v = byte(rng) / 255.f;
        p.regions.push_back(std::move(r));
    }
    ProjectRegion box;
    box.id = 5;
    box.name = "Sun";
    box.kind = RegionKind::Box;
    box.box = Box{1600, 32, 256, 192};
    p.regions.push_back(box);
    for (int k = 0; k < 8; ++k) {
        RgbImage image;
        image.width = p.width;
        image.height = p.height;
        image.pixels.resize(size_t(p.width) * p.height * 3);
        for (auto& px : image.pixels)
            px = std::uint8_t(byte(rng));
        p.results.push_back(makeResult(p, std::move(image), std::uint64_t(1000 + k)));
    }
    return p;
}

// Holds every atomic write at its rename until release() (or 20 s).
struct WriteGate
{
    QSemaphore open;
    WriteGate()
    {
        setAtomicWriteFaultHook([this](AtomicWriteStage stage, std::uint64_t) {
            if (stage == AtomicWriteStage::Rename)
                open.tryAcquire(1, 20000);
            return Status::ok();
        });
    }
    void release() { open.release(1000); }
    ~WriteGate()
    {
        release();
        setAtomicWriteFaultHook({});
    }
};

} // namespace

class SaveTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<test::UiTestEnvironment> m_env;
    std::unique_ptr<MainWindow> m_window;

    DocumentController* doc() const { return m_window->document(); }
    FileActions* files() const { return m_window->files(); }
    QString statusText() const
    {
        for (QLabel* label : m_window->statusBar()->findChildren<QLabel*>())
            if (label->text().startsWith("Saving") || label->text().startsWith("Saved") ||
                label->text().startsWith("Exporting"))
                return label->text();
        return QString();
    }

private Q_SLOTS:
    void init()
    {
        m_env = std::make_unique<test::UiTestEnvironment>();
        m_window = std::make_unique<MainWindow>(m_env->settings.get());
        m_window->resize(1200, 800);
        m_window->show();
        files()->setInteractive(false);
    }

    void cleanup()
    {
        m_window.reset();
        m_env.reset();
    }

    void bigSaveReturnsToTheEventLoopBeforeTheWrite()
    {
        const QString path = m_env->path("panorama.mdsp");
        doc()->resetDocument(bigProject(), path, true); // as if recovered: dirty, with a path
        int ticks = 0;
        int ticksAtFinish = -1;
        double writeSeconds = 0;
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, [&] { ++ticks; });
        connect(files()->writer(), &ProjectWriter::finished,
                [&](const ProjectWriter::Job& job, const QString&) {
                    ticksAtFinish = ticks;
                    writeSeconds = job.seconds;
                });
        ticker.start(5);

        QElapsedTimer timer;
        timer.start();
        {
            const Project copy = doc()->project();
            qInfo("copy %.1f ms", timer.nsecsElapsed() / 1e6);
        }
        timer.start();
        QVERIFY(files()->save()); // the File > Save slot
        const double slotSeconds = timer.nsecsElapsed() / 1e9;
        QVERIFY(!QFileInfo::exists(path)); // atomic: nothing at the path until the rename
        QVERIFY(statusText().startsWith("Saving panorama.mdsp"));
        QVERIFY(m_window->findChild<QProgressBar*>("writingProgress")->isVisibleTo(m_window.get()));
        QTRY_VERIFY_WITH_TIMEOUT(ticksAtFinish >= 0, 120000);
        qInfo("save slot %.1f ms, background write %.0f ms", slotSeconds * 1e3, writeSeconds * 1e3);
        QVERIFY(ticksAtFinish > 0); // the event loop ran while the file was being written
        QVERIFY(slotSeconds * 4 < writeSeconds);
        QVERIFY2(files()->lastError().isEmpty(), qPrintable(files()->lastError()));
        QVERIFY(!doc()->isDirty());
        QCOMPARE(doc()->filePath(), path);
        QVERIFY(statusText().startsWith("Saved panorama.mdsp"));
        QVERIFY(
            !m_window->findChild<QProgressBar*>("writingProgress")->isVisibleTo(m_window.get()));

        Result<Project> loaded = loadProject(path.toStdString());
        QVERIFY2(loaded.isOk(), loaded.error().c_str());
        const Project& saved = doc()->project();
        QCOMPARE(loaded->width, 2048);
        QCOMPARE(loaded->regions.size(), saved.regions.size());
        QCOMPARE(loaded->results.size(), saved.results.size());
        for (size_t i = 0; i < saved.results.size(); ++i)
            QVERIFY(loaded->results[i].image.pixels == saved.results[i].image.pixels);
        for (size_t i = 0; i < 4; ++i)
            for (size_t k = 0; k < saved.regions[i].mask.values.size(); k += 101)
                QVERIFY(std::abs(loaded->regions[i].mask.values[k] -
                                 saved.regions[i].mask.values[k]) <= 0.5f / 255 + 1e-6f);
    }

    void changesDuringASaveKeepTheDocumentDirty()
    {
        const QString path = m_env->path("harbour.mdsp");
        doc()->setBackgroundPrompt("a harbour");
        {
            WriteGate gate;
            QVERIFY(files()->saveTo(path));
            QTest::qWait(50); // the window goes on while the write waits at its rename
            QVERIFY(files()->writer()->isBusy());
            PromptEdit* prompt = m_window->regionsPanel()->backgroundPrompt();
            prompt->setFocus();
            prompt->moveCursor(QTextCursor::End);
            QTest::keyClicks(prompt, " at dawn");
            gate.release();
            QVERIFY(files()->waitForWrites());
        }
        QCOMPARE(doc()->filePath(), path);
        QVERIFY(doc()->isDirty()); // "at dawn" is not in the file
        QVERIFY(m_window->isWindowModified());
        Result<Project> loaded = loadProject(path.toStdString());
        QVERIFY2(loaded.isOk(), loaded.error().c_str());
        QCOMPARE(loaded->prompt, std::string("a harbour"));

        QVERIFY(files()->save());
        QVERIFY(files()->waitForWrites());
        QVERIFY(!doc()->isDirty());
        QCOMPARE(loadProject(path.toStdString())->prompt, std::string("a harbour at dawn"));
    }

    void aFailedSaveSaysWhyAndKeepsTheDocument()
    {
        const QString path = m_env->path("kept.mdsp");
        doc()->setBackgroundPrompt("first version");
        QVERIFY(files()->saveTo(path) && files()->waitForWrites());
        doc()->setBackgroundPrompt("second version");
        setAtomicWriteFaultHook([](AtomicWriteStage stage, std::uint64_t) {
            return stage == AtomicWriteStage::Fsync ? Status::error("no space left on device")
                                                    : Status::ok();
        });
        QVERIFY(files()->saveTo(path));
        QVERIFY(!files()->waitForWrites());
        setAtomicWriteFaultHook({});
        QVERIFY(files()->lastError().contains("kept.mdsp"));
        QVERIFY(files()->lastError().contains("no space left on device"));
        QVERIFY(doc()->isDirty());
        QCOMPARE(doc()->project().prompt, std::string("second version"));
        QCOMPARE(loadProject(path.toStdString())->prompt, std::string("first version"));
    }

    // A full disk during an autosave: the previous recovery file stands, the status bar says
    // why, and the next tick tries again.
    void aFailedAutosaveKeepsThePreviousRecoveryFile()
    {
        Autosave* autosave = m_window->autosave();
        doc()->setBackgroundPrompt("first version");
        QVERIFY(autosave->saveNow());
        autosave->wait();
        QVERIFY(autosave->lastError().isEmpty());
        const QString recovery = autosave->recoveryFile();
        QCOMPARE(loadProject(recovery.toStdString())->prompt, std::string("first version"));
        doc()->setBackgroundPrompt("second version");
        setAtomicWriteFaultHook([](AtomicWriteStage stage, std::uint64_t) {
            return stage == AtomicWriteStage::Write ? Status::error("No space left on device")
                                                    : Status::ok();
        });
        QSignalSpy failed(autosave, &Autosave::failed);
        QVERIFY(autosave->saveNow());
        autosave->wait();
        setAtomicWriteFaultHook({});
        QCOMPARE(failed.count(), 1);
        const QString message = failed.at(0).at(0).toString();
        QVERIFY2(message.startsWith("Autosave failed: ") && message.contains(recovery) &&
                     message.contains("No space left on device") &&
                     message.contains("the previous file is unchanged"),
                 qPrintable(message));
        bool shown = false;
        for (QLabel* label : m_window->statusBar()->findChildren<QLabel*>())
            shown = shown || label->text() == message;
        QVERIFY(shown);
        QCOMPARE(loadProject(recovery.toStdString())->prompt, std::string("first version"));
        QVERIFY(autosave->saveNow()); // tried again
        autosave->wait();
        QVERIFY(autosave->lastError().isEmpty());
        QCOMPARE(loadProject(recovery.toStdString())->prompt, std::string("second version"));
    }

    // An export onto a FIFO is refused with the reason; the FIFO is left as it was.
    void anExportOntoAFifoIsRefused()
    {
        Project p = DocumentController::newProject();
        RgbImage image;
        image.width = p.width;
        image.height = p.height;
        image.pixels.assign(size_t(p.width) * p.height * 3, 90);
        p.results.push_back(makeResult(p, image, 5));
        doc()->resetDocument(p, QString());
        const QString fifo = m_env->path("out.png");
        QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0644) == 0);
        QVERIFY(files()->exportResultTo(doc()->project().results[0].id, fifo));
        QVERIFY(!files()->waitForWrites());
        QVERIFY2(files()->lastError().contains("is a FIFO (named pipe), not a regular file; it "
                                               "was not replaced"),
                 qPrintable(files()->lastError()));
        QCOMPARE(pathKind(fifo.toStdString()), PathKind::Fifo);
    }

    void exportWritesInTheBackground()
    {
        Project p = DocumentController::newProject();
        RgbImage image;
        image.width = p.width;
        image.height = p.height;
        image.pixels.assign(size_t(p.width) * p.height * 3, 90);
        p.prompt = "a grey day";
        p.results.push_back(makeResult(p, image, 77));
        doc()->resetDocument(p, QString());
        const QString png = m_env->path("grey-77.png");
        {
            WriteGate gate;
            QVERIFY(files()->exportResultTo(doc()->project().results[0].id, png));
            QTest::qWait(30);
            QVERIFY(!QFileInfo::exists(png));
            QVERIFY(statusText().startsWith("Exporting"));
            gate.release();
            QVERIFY(files()->waitForWrites());
        }
        Result<Project> reopened = loadProject(png.toStdString());
        QVERIFY2(reopened.isOk(), reopened.error().c_str());
        QCOMPARE(reopened->prompt, std::string("a grey day"));
        QCOMPARE(reopened->results[0].seed, std::uint64_t(77));
    }
};

QTEST_MAIN(SaveTest)
#include "SaveTest.moc"

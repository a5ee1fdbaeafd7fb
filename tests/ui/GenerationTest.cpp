// Generation through the worker thread with a real model (the embedded default, the tiny
// fixture model, or $MDSTUDIO_TEST_MODEL): previews, a result and a history entry arrive;
// Cancel (512x512, three regions) stops the engine within a second and the next run works; the GUI
// thread stays responsive meanwhile.

#include "UiTestSupport.h"
#include "ui/document/DocumentController.h"
#include "ui/generation/GenerationController.h"
#include "ui/generation/GenerationSession.h"
#include "ui/panels/GenerationPanel.h"
#include "ui/panels/ResultsStrip.h"

#include <QElapsedTimer>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace md;

namespace {

// Measures the longest gap between 5 ms timer ticks: how long the GUI thread was blocked.
class LatencyProbe : public QObject
{
public:
    LatencyProbe()
    {
        m_clock.start();
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.elapsed();
            m_worst = std::max(m_worst, now - m_last);
            m_last = now;
        });
        m_timer.start(5);
    }
    qint64 worstMs() const { return m_worst; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_worst = 0;
};

} // namespace

class GenerationTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<test::UiTestEnvironment> m_env;
    std::unique_ptr<MainWindow> m_window;
    QString m_model;

    DocumentController* doc() const { return m_window->document(); }
    GenerationController* gen() const { return m_window->generation(); }

    void loadModelOrSkip()
    {
        m_model = test::testModelPath();
        if (m_model.isEmpty())
            QSKIP("no model: set MDSTUDIO_TEST_MODEL, ship resources/models/, or MD_FIXTURES_DIR");
        QSignalSpy state(gen(), &GenerationController::modelStateChanged);
        m_window->session()->chooseModel(m_model);
        QTRY_VERIFY_WITH_TIMEOUT(gen()->modelState() != GenerationController::ModelState::Loading,
                                 300000);
        if (gen()->modelState() != GenerationController::ModelState::Ready)
            QSKIP(qPrintable("the engine cannot load " + m_model +
                             " yet: " + state.last().value(1).toString()));
    }

    void setUpProject(int width, int height, int steps)
    {
        doc()->setCanvasSize(width, height);
        doc()->setBackgroundPrompt("a calm lake under a blue sky");
        const std::uint32_t id = doc()->addBoxRegion(Box{0, height / 2, width / 2, height / 2});
        doc()->setRegionPrompt(id, "a small red house");
        GenerationSettings s = doc()->project().settings;
        s.steps = steps;
        s.seed = 7;
        s.seedMode = SeedMode::Fixed;
        s.sampler = SamplerKind::Euler;
        doc()->setSettings(s);
    }

private Q_SLOTS:
    void init()
    {
        m_env = std::make_unique<test::UiTestEnvironment>();
        m_window = std::make_unique<MainWindow>(m_env->settings.get());
        m_window->show();
    }

    void cleanup()
    {
        m_window.reset();
        m_env.reset();
    }

    void generationDeliversPreviewsResultAndHistory()
    {
        loadModelOrSkip();
        QVERIFY(!doc()->isDirty()); // loading a model by itself is not an edit to save
        setUpProject(128, 64, 4);
        QSignalSpy previews(gen(), &GenerationController::previewChanged);
        QSignalSpy progress(gen(), &GenerationController::progressChanged);
        QSignalSpy results(gen(), &GenerationController::resultReady);
        LatencyProbe probe;
        QElapsedTimer clock;
        clock.start();
        m_window->generationPanel()->generateButton()->click();
        QVERIFY(gen()->isBusy());
        QTRY_COMPARE_WITH_TIMEOUT(doc()->project().results.size(), size_t(1), 600000);
        const double seconds = clock.elapsed() / 1000.0;
        qInfo("generation of 128x64, 4 steps: %.2f s; worst GUI-thread stall %lld ms", seconds,
              probe.worstMs());

        QVERIFY(!gen()->isBusy());
        QCOMPARE(results.count(), 1);
        QVERIFY(previews.count() >= 1);
        QVERIFY(progress.count() >= 2);
        const ProjectResult& r = doc()->project().results.front();
        QCOMPARE(r.image.width, 128);
        QCOMPARE(r.image.height, 64);
        QCOMPARE(r.seed, std::uint64_t(7));
        QCOMPARE(r.settings.steps, 4);
        QCOMPARE(r.regions.size(), size_t(1));
        QCOMPARE(r.regions[0].prompt, std::string("a small red house"));
        QCOMPARE(m_window->resultsStrip()->list()->count(), 1);
        QCOMPARE(m_window->resultsStrip()->selectedResult(), r.id);
        QCOMPARE(m_window->canvas()->baseImage().size(), QSize(128, 64));
        QVERIFY(m_window->canvas()->badge().isEmpty()); // the result, not a preview
        QVERIFY2(probe.worstMs() < 250, "the GUI thread was blocked during generation");
    }

    // 512x512, three regions (a painted one and two boxes), through the real worker: cancel
    // after the first preview; the worker confirms within a second; the next run works.
    void cancelAfterTheFirstPreviewThenGenerateAgain()
    {
        loadModelOrSkip();
        setUpProject(512, 512, 200);
        const std::uint32_t grass = doc()->addMaskRegion();
        MaskImage bottom = blankMask(512, 512);
        std::fill(bottom.values.begin() + 512 * 341, bottom.values.end(), 1.f);
        doc()->replaceMask(grass, bottom, "paint");
        doc()->setRegionPrompt(grass, "green grass");
        doc()->setRegionPrompt(doc()->addBoxRegion(Box{352, 32, 128, 128}), "a yellow sun");
        QCOMPARE(toGenerateRequest(doc()->project()).regions.size(), size_t(3));

        QSignalSpy ended(gen(), &GenerationController::requestEnded);
        QSignalSpy cancelled(gen(), &GenerationController::engineCancelled);
        QElapsedTimer clock;
        clock.start();
        QList<qint64> reports; // the gaps between reports: how often the flag is looked at
        connect(gen(), &GenerationController::progressChanged, this,
                [&] { reports << clock.elapsed(); });
        QSignalSpy previews(gen(), &GenerationController::previewChanged);
        m_window->session()->generate();
        const quint64 first = gen()->runningRequest();
        QVERIFY(first != 0);
        QTRY_VERIFY_WITH_TIMEOUT(previews.count() >= 1, 300000);
        // The canvas says that what it shows is a preview.
        QTRY_VERIFY(m_window->canvas()->badge().startsWith("Live preview · step"));
        qint64 longestBatch = 0;
        for (int i = 2; i < reports.size(); ++i)
            longestBatch = std::max(longestBatch, reports[i] - reports[i - 1]);

        clock.restart();
        m_window->generationPanel()->cancelButton()->click();
        const qint64 uiMs = clock.elapsed();
        QVERIFY(!gen()->isBusy()); // the UI is free at once
        QVERIFY(m_window->generationPanel()->generateButton()->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, 60000);
        const qint64 engineMs = clock.elapsed();
        QCOMPARE(cancelled.first().first().toULongLong(), first);
        QCOMPARE(ended.count(), 1); // cancelled, not finished or failed
        qInfo("cancel at step %d/%d: UI free after %lld ms, worker confirmed after %lld ms "
              "(longest UNet batch seen: %lld ms)",
              previews.last().at(1).toInt(), previews.last().at(2).toInt(), uiMs, engineMs,
              longestBatch);
        QVERIFY2(uiMs < 100, qPrintable(QString("the UI took %1 ms").arg(uiMs)));
        // The engine looks at the flag between UNet batches: within a second, or (on a
        // machine too loaded for that) within about one batch.
        QVERIFY2(engineMs < std::max<qint64>(1000, 2 * longestBatch),
                 qPrintable(QString("the worker took %1 ms").arg(engineMs)));
        QVERIFY(doc()->project().results.empty());
        QVERIFY(m_window->canvas()->badge().isEmpty());

        // The worker is ready for the next run.
        GenerationSettings s = doc()->project().settings;
        s.steps = 3;
        doc()->setSettings(s);
        previews.clear();
        m_window->session()->generate();
        QVERIFY(gen()->isBusy());
        QTRY_COMPARE_WITH_TIMEOUT(doc()->project().results.size(), size_t(1), 600000);
        const ProjectResult& r = doc()->project().results.front();
        QCOMPARE(r.settings.steps, 3);
        QCOMPARE(r.image.width, 512);
        QCOMPARE(r.image.height, 512);
        QCOMPARE(r.regions.size(), size_t(3));
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(ended.count(), 2);
        for (const QList<QVariant>& p : previews) // none left over from the cancelled run
            QCOMPARE(p.at(2).toInt(), 3);
    }

    void newGenerateWhileRunningRestarts()
    {
        loadModelOrSkip();
        setUpProject(256, 128, 60);
        QSignalSpy ended(gen(), &GenerationController::requestEnded);
        QSignalSpy progress(gen(), &GenerationController::progressChanged);
        m_window->session()->generate();
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 2, 300000);
        GenerationSettings s = doc()->project().settings;
        s.steps = 2;
        doc()->setSettings(s);
        m_window->session()->generate(); // cancels the 60-step run, starts a 2-step one
        QTRY_COMPARE_WITH_TIMEOUT(doc()->project().results.size(), size_t(1), 600000);
        QCOMPARE(doc()->project().results.front().settings.steps, 2);
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 2, 10000);
    }
};

QTEST_MAIN(GenerationTest)
#include "GenerationTest.moc"

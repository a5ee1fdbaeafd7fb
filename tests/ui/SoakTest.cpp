// A long session through the GUI's generation worker (GenerationController, the thread the app
// uses): generations in a row on the embedded model, with cancels, restarts (a new request
// while one runs), a project switch (another canvas with a region) and a model switch (the
// fixture model and back). No crash, no failure, and the resident memory after a warm-up
// grows by less than a bound.
//
// CI runs 24 generations at 64x64; MD_SOAK_GENERATIONS=200 runs the long session (figures
// in docs/reliability.md, "Long sessions").
//
// The bound: 16 MiB + 32 KiB per generation. The warm-up already ran every kind of request
// and both models once, so what it allocated for good (thread pools, the previewer, prompt
// caches) is in the baseline; RSS is read after malloc_trim(0), so what remains is allocator
// noise (about 2 MiB, measured). A leak of a few KiB per run (a 64x64 result is 12 KiB)
// stays under it; one of a model per switch (the embedded model's weights are 17 MB) or of
// 100 KiB or more per generation (a float image of each result, UNet activations) does not.

#include "UiTestSupport.h"
#include "ui/generation/GenerationController.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <cstdlib>
#include <malloc.h>

using namespace md;

namespace {

// A "kB" field of /proc/self/status, in MiB (-1 when there is none).
double statusMiB(const char* field)
{
    // Free heap pages back to the system first, so VmRSS follows what is live rather than
    // what glibc's arenas keep cached (which swings by tens of MiB after a model switch).
    malloc_trim(0);
    QFile file("/proc/self/status");
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray prefix = QByteArray(field) + ':';
    for (const QByteArray& line : file.readAll().split('\n'))
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').front().toDouble() / 1024.0;
    return -1;
}

GenerateRequest projectA(std::uint64_t seed, int steps)
{
    GenerateRequest r;
    r.prompt = "a calm lake under a blue sky";
    r.width = 64;
    r.height = 64;
    r.steps = steps;
    r.seed = seed;
    r.sampler = SamplerKind::Euler;
    return r;
}

GenerateRequest projectB(std::uint64_t seed, int steps)
{
    GenerateRequest r = projectA(seed, steps);
    r.prompt = "a meadow";
    r.negative = "blurry";
    r.width = 128;
    Region house;
    house.prompt = "a small red house";
    house.box = Box{0, 0, 64, 64};
    r.regions.push_back(house);
    r.sampler = SamplerKind::DpmPp2mKarras;
    return r;
}

} // namespace

class SoakTest : public QObject
{
    Q_OBJECT
private:
    GenerationController* m_gen = nullptr;
    int m_results = 0;
    int m_failures = 0;
    int m_cancels = 0;
    int m_requests = 0;
    int m_maxStep = 0;

    bool load(const QString& path)
    {
        m_gen->loadModel(path);
        if (!QTest::qWaitFor(
                [&] { return m_gen->modelState() != GenerationController::ModelState::Loading; },
                300000))
            return false;
        return m_gen->modelState() == GenerationController::ModelState::Ready;
    }

    // One request to its end; `cancelAfterStep` > 0: cancel once that step is done;
    // `restart`: replace it by `next` once a step is done (the controller cancels it).
    bool run(const GenerateRequest& request, int cancelAfterStep = 0,
             const GenerateRequest* restart = nullptr)
    {
        QSignalSpy ended(m_gen, &GenerationController::requestEnded);
        m_maxStep = 0;
        quint64 id = m_gen->generate(request);
        ++m_requests;
        if (cancelAfterStep > 0 || restart != nullptr) {
            const int step = std::max(1, cancelAfterStep);
            if (!QTest::qWaitFor([&] { return m_maxStep >= step || !m_gen->isBusy(); }, 120000))
                return false;
            if (restart != nullptr) {
                id = m_gen->generate(*restart);
                ++m_requests;
            } else {
                m_gen->cancel();
            }
        }
        return QTest::qWaitFor(
            [&] {
                for (const auto& args : ended)
                    if (args.at(0).toULongLong() == id)
                        return true;
                return false;
            },
            300000);
    }

private Q_SLOTS:
    void longSessionStaysBounded()
    {
        const QString embedded = GenerationSession::defaultModel();
        if (embedded.isEmpty())
            QSKIP("no embedded model under resources/models");
        QString fixtures = qEnvironmentVariable("MD_FIXTURES_DIR");
        if (fixtures.isEmpty())
            fixtures = QStringLiteral(MD_FIXTURES_DIR_DEFAULT);
        const QString other = QDir(fixtures).filePath("tiny-sd15");
        const bool canSwitch = QFileInfo::exists(other);
        const int total = std::max(8, qEnvironmentVariableIntValue("MD_SOAK_GENERATIONS") > 0
                                          ? qEnvironmentVariableIntValue("MD_SOAK_GENERATIONS")
                                          : 24);

        GenerationController gen;
        m_gen = &gen;
        connect(&gen, &GenerationController::resultReady, this, [this] { ++m_results; });
        connect(&gen, &GenerationController::generationFailed, this, [this](const QString& m) {
            ++m_failures;
            qWarning("generation failed: %s", qPrintable(m));
        });
        connect(&gen, &GenerationController::engineCancelled, this, [this] { ++m_cancels; });
        connect(&gen, &GenerationController::progressChanged, this,
                [this](int step, int, double) { m_maxStep = std::max(m_maxStep, step); });

        QElapsedTimer clock;
        clock.start();
        QVERIFY(load(embedded));
        // Warm-up: every kind of request and both models once.
        QVERIFY(run(projectA(1, 3)));
        QVERIFY(run(projectB(2, 3)));
        QVERIFY(run(projectB(3, 30), 1));
        if (canSwitch) {
            QVERIFY(load(other));
            QVERIFY(run(projectA(4, 3)));
            QVERIFY(load(embedded));
        }
        QCOMPARE(m_failures, 0);
        const double start = statusMiB("VmRSS");
        const double warmSeconds = clock.elapsed() / 1000.0;
        const int resultsBefore = m_results;
        clock.restart();

        int expected = 0, cancels = 0, restarts = 0, switches = 0;
        for (int i = 0; i < total; ++i) {
            const bool b = i >= total / 2; // the project switch
            const auto request = [&](int steps) {
                return b ? projectB(100 + std::uint64_t(i), steps)
                         : projectA(100 + std::uint64_t(i), steps);
            };
            if (canSwitch && (i == total / 3 || i == 2 * total / 3)) {
                QVERIFY(load(i == total / 3 ? other : embedded)); // the model switch and back
                ++switches;
            }
            if (i % 6 == 5) {
                QVERIFY(run(request(40), 1)); // cancelled after its first step
                ++cancels;
            } else if (i % 6 == 2) {
                const GenerateRequest next = request(3);
                QVERIFY(run(request(40), 1, &next)); // restarted: the newer one finishes
                ++restarts;
                ++expected;
            } else {
                QVERIFY(run(request(3)));
                ++expected;
            }
        }
        const double seconds = clock.elapsed() / 1000.0;
        const double end = statusMiB("VmRSS");
        const double peak = statusMiB("VmHWM");
        const double growth = end - start;
        const double bound = 16.0 + total * 32.0 / 1024.0;
        qInfo("soak: %d generations (%d requests: %d cancelled, %d restarted, %d model "
              "switches) in %.1f s after a %.1f s warm-up; RSS %.1f MiB after the warm-up, "
              "%.1f MiB at the end, peak %.1f MiB; growth %.1f MiB (%.1f KiB per generation), "
              "bound %.1f MiB",
              total, m_requests, cancels, restarts, switches, seconds, warmSeconds, start, end,
              peak, growth, growth * 1024.0 / total, bound);
        QCOMPARE(m_failures, 0);
        QCOMPARE(m_results - resultsBefore, expected);
        QVERIFY(m_cancels >= cancels + restarts);
        QVERIFY2(start > 0 && end > 0, "no VmRSS in /proc/self/status");
        QVERIFY2(growth < bound, qPrintable(QString("RSS grew by %1 MiB (bound %2 MiB)")
                                                .arg(growth, 0, 'f', 1)
                                                .arg(bound, 0, 'f', 1)));
    }
};

QTEST_MAIN(SoakTest)
#include "SoakTest.moc"

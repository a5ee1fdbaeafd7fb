// Live mode's behaviour with a real model (issue 15): a stroke made while the previous
// stroke's frame runs cancels it (newest wins, no stale frame shown); Keep puts a full-size
// frame into the history with the live settings; turning live off shows the history again;
// a weight variant is loaded once and a normal generation goes back to the plain weights;
// a variant that cannot be read leaves the plain weights loaded, with a message, and is not
// asked for again.

#include "LiveTestFixture.h"
#include "ui/panels/ResultsStrip.h"

#include <QTemporaryDir>
#include <filesystem>
#include <fstream>

using namespace md;
using namespace md::test;

class LiveBehaviourTest : public QObject, protected LiveFixture
{
    Q_OBJECT
private Q_SLOTS:
    void cleanup() { tearDown(); }

    void newerStrokeCancelsTheRunningFrameAndKeepAddsAResult()
    {
        if (!setUp())
            return;
        m_w->window.live()->liveAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!live()->frameImage().isNull(), 60000);
        QSignalSpy cancelled(gen(), &GenerationController::engineCancelled);
        // The frames shown: their revision, and whether the second stroke had been made.
        std::vector<std::pair<std::uint64_t, bool>> shown;
        bool secondMade = false;
        connect(live(), &LiveController::frameChanged, this, [&] {
            if (!live()->frameImage().isNull())
                shown.emplace_back(live()->frameRevision(), secondMade);
        });
        stroke(0, 1);
        const std::uint64_t first = doc()->revision();
        QTest::qWait(60); // the first stroke's frame is running
        stroke(1, 2);
        secondMade = true;
        const std::uint64_t second = doc()->revision();
        QTRY_VERIFY_WITH_TIMEOUT(live()->frameRevision() >= second, 30000);
        // Newest wins: the first stroke's frame was cancelled, or it was done before the
        // second stroke; never shown after it.
        bool firstShownInTime = false;
        for (const auto& [revision, afterSecond] : shown) {
            const bool ofFirst = revision >= first && revision < second;
            QVERIFY2(!(ofFirst && afterSecond), "a stale frame was shown");
            firstShownInTime = firstShownInTime || ofFirst;
        }
        // (A first frame may also be dropped from the worker's mailbox before it starts:
        // neither cancelled nor shown. What must never happen is checked above.)
        qInfo("newest wins: %d frame(s) cancelled, the first stroke's frame %s",
              int(cancelled.count()),
              firstShownInTime ? "shown before the second stroke" : "never shown");

        // Keep: a full-size frame (after the pause, if this one was reduced) into the history.
        const std::size_t before = doc()->project().results.size();
        QVERIFY(live()->keep());
        QTRY_COMPARE_WITH_TIMEOUT(doc()->project().results.size(), before + 1, 30000);
        const ProjectResult& r = doc()->project().results.back();
        QCOMPARE(r.image.width, 512);
        QCOMPARE(r.image.height, 512);
        QCOMPARE(r.seed, std::uint64_t(7));
        QCOMPARE(r.settings.sampler, SamplerKind::Lcm);
        QCOMPARE(r.settings.steps, 4);
        QCOMPARE(r.settings.cfg, 1.0f);
        QCOMPARE(r.regions.size(), std::size_t(3));
        QCOMPARE(m_w->window.resultsStrip()->selectedResult(), r.id);
        QVERIFY(!live()->keep()); // already kept
        QVERIFY(validate(doc()->project()).isOk());

        // Off: the canvas shows the history again (the kept image).
        m_w->window.live()->liveAction()->trigger();
        QVERIFY(!live()->isEnabled());
        QVERIFY(canvas()->badge().isEmpty());
        QCOMPARE(canvas()->baseImage().size(), QSize(512, 512));
    }

    // Live mode's weights: a variant is loaded once and kept while live frames render; a normal
    // generation goes back to the plain weights (lazily, when it is asked for).
    void variantLoadedOnceAndPlainWeightsForNormalGenerations()
    {
        if (!setUp())
            return;
        QSignalSpy states(gen(), &GenerationController::modelStateChanged);
        // The embedded model offers its "lcm" variant: turning live on loads it once (a few
        // model-state changes), strokes load nothing.
        m_w->window.live()->liveAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!live()->frameImage().isNull(), 60000);
        QCOMPARE(gen()->modelVariant(), QStringLiteral("lcm"));
        const int afterOn = int(states.count());
        for (int n = 0; n < 2; ++n) {
            stroke(n, n);
            const std::uint64_t revision = doc()->revision();
            QTRY_VERIFY_WITH_TIMEOUT(live()->frameRevision() >= revision, 30000);
        }
        QCOMPARE(int(states.count()), afterOn); // no reload, let alone one per stroke
        m_w->window.live()->liveAction()->trigger();
        // A variant asked for is loaded once...
        gen()->ensureVariant("lcm");
        QCOMPARE(gen()->modelVariant(), QStringLiteral("lcm"));
        QTRY_COMPARE_WITH_TIMEOUT(gen()->modelState(), GenerationController::ModelState::Ready,
                                  60000);
        const int loads = int(states.count());
        gen()->ensureVariant("lcm");
        QCOMPARE(int(states.count()), loads);
        // ...and a normal generation goes back to the plain weights, then makes its result.
        GenerationSettings s = doc()->project().settings;
        s.steps = 2;
        doc()->setSettings(s);
        const std::size_t before = doc()->project().results.size();
        m_w->window.session()->generate();
        QCOMPARE(gen()->modelVariant(), QString());
        QTRY_COMPARE_WITH_TIMEOUT(doc()->project().results.size(), before + 1, 60000);
        QCOMPARE(doc()->project().results.back().settings.steps, 2);
    }

    void unreadableVariantFallsBackToThePlainWeights()
    {
        const QString model = testModelPath();
        if (model.isEmpty() || !QFileInfo(model).isDir())
            QSKIP("no model folder to copy");
        // A copy of the model whose "lcm" UNet weights are not a safetensors file.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        namespace fs = std::filesystem;
        const fs::path copy = fs::path(dir.path().toStdString()) / "model";
        fs::copy(model.toStdString(), copy, fs::copy_options::recursive);
        std::ofstream(copy / "unet" / "diffusion_pytorch_model.lcm.safetensors",
                      std::ios::binary | std::ios::trunc)
            << "not a safetensors file";
        const QString path = QString::fromStdString(copy.string());

        GenerationController generation;
        QSignalSpy states(&generation, &GenerationController::modelStateChanged);
        generation.loadModel(path, QStringLiteral("lcm"));
        QTRY_COMPARE_WITH_TIMEOUT(generation.modelState(), GenerationController::ModelState::Ready,
                                  120000);
        const QString said = states.last().at(1).toString();
        QVERIFY2(said.contains(QStringLiteral("lcm")) && said.contains(QStringLiteral("plain")),
                 qPrintable(said));
        QCOMPARE(generation.modelVariant(), QString());
        QCOMPARE(QString::fromStdString(generation.modelInfo().variant), QString());
        // Live mode asks for it again on every frame: the failed variant is not reloaded.
        const int count = int(states.count());
        generation.ensureVariant(QStringLiteral("lcm"));
        QTest::qWait(50);
        QCOMPARE(int(states.count()), count);
        QCOMPARE(generation.modelState(), GenerationController::ModelState::Ready);
    }
};

QTEST_MAIN(LiveBehaviourTest)
#include "LiveBehaviourTest.moc"

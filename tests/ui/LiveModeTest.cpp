// Live mode's parts without a model (issue 15): the frame size chosen from measured speed
// (LiveSizePolicy), a request scaled to the reduced size, the Preset list setting the
// sampler in one undo step, and the Live and Keep shortcuts, free of conflicts.

#include "UiTestSupport.h"
#include "ui/LiveFeatures.h"
#include "ui/document/DocumentController.h"
#include "ui/document/UndoHistory.h"
#include "ui/generation/LiveController.h"
#include "ui/generation/LiveRequest.h"
#include "ui/generation/LiveSizePolicy.h"
#include "ui/panels/PromptEdit.h"
#include "ui/panels/SamplingPresetCombo.h"

#include <QAction>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTest>

using namespace md;

class LiveModeTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fullSizeUntilMeasuredSlow()
    {
        LiveSizePolicy p(0.8);
        const FrameSize canvas{512, 512};
        QVERIFY(!p.reduce()); // nothing measured: full size (and that frame measures)
        QCOMPARE(p.fullSizeSeconds(), -1.0);
        p.record(0.5, canvas, canvas);
        QVERIFY(!p.reduce());
        QCOMPARE(p.fullSizeSeconds(), 0.5);
        p.record(1.5, canvas, canvas); // the machine got busy: estimate 1.0 > 0.8
        QCOMPARE(p.fullSizeSeconds(), 1.0);
        QVERIFY(p.reduce());
    }

    void hysteresisAndRecovery()
    {
        LiveSizePolicy p(0.8, 0.75);
        const FrameSize canvas{512, 512};
        p.record(2.0, canvas, canvas);
        QVERIFY(p.reduce());
        p.record(0.0, canvas, canvas); // 1.0: still slow
        QVERIFY(p.reduce());
        p.record(0.4, canvas, canvas); // 0.7: under the budget, not under 0.6
        QVERIFY(p.reduce());
        p.record(0.4, canvas, canvas); // 0.55 < 0.6: full size again
        QVERIFY(!p.reduce());
        p.record(0.9, canvas, canvas); // 0.725: not over the budget
        QVERIFY(!p.reduce());
    }

    void reducedFramesScaleByPixels()
    {
        LiveSizePolicy p(0.8);
        const FrameSize canvas{512, 512};
        p.record(0.25, {256, 256}, canvas); // a quarter of the pixels: ~1.0 s at full size
        QCOMPARE(p.fullSizeSeconds(), 1.0);
        QVERIFY(p.reduce());
        p.record(0.65, canvas, canvas); // a measured full-size frame wins over the scaled guess
        QCOMPARE(p.fullSizeSeconds(), 0.65);
        QVERIFY(p.reduce());               // under the budget, not under 0.6: reduced
        p.record(0.1, {256, 256}, canvas); // reduced frames do not move it any more
        QCOMPARE(p.fullSizeSeconds(), 0.65);
        p.reset();
        QCOMPARE(p.fullSizeSeconds(), -1.0);
        QVERIFY(!p.reduce());
        p.record(-1.0, canvas, canvas); // no timing: ignored
        QCOMPARE(p.fullSizeSeconds(), -1.0);
    }

    void reducedSizeIsHalfInMultiplesOf8()
    {
        const FrameSize a = LiveSizePolicy::reducedSize({512, 512});
        QCOMPARE(a.width, 256);
        QCOMPARE(a.height, 256);
        const FrameSize b = LiveSizePolicy::reducedSize({768, 456});
        QCOMPARE(b.width, 384);
        QCOMPARE(b.height, 224); // 228 rounded down to a multiple of 8
        const FrameSize c = LiveSizePolicy::reducedSize({96, 64});
        QCOMPARE(c.width, 64);
        QCOMPARE(c.height, 64);
    }

    void scaledRequestScalesMasksBoxesAndImages()
    {
        Project p = DocumentController::newProject(512, 512);
        p.settings.seed = 77;
        p.settings.feather = 16.f;
        ProjectRegion mask;
        mask.id = 1;
        mask.prompt = "red";
        mask.mask = blankMask(512, 512);
        for (int y = 0; y < 256; ++y)
            for (int x = 0; x < 256; ++x)
                mask.mask.values[std::size_t(y) * 512 + x] = 1.f;
        ProjectRegion box;
        box.id = 2;
        box.kind = RegionKind::Box;
        box.prompt = "blue";
        box.box = Box{256, 256, 256, 256};
        p.regions = {mask, box};
        const auto preset = samplingPreset(ModelInfo{}, "live");
        QVERIFY(preset.has_value());
        const GenerateRequest full = liveRequest(liveSnapshot(p), *preset);
        QCOMPARE(full.sampler, SamplerKind::Lcm);
        QCOMPARE(full.steps, 4);
        QCOMPARE(full.cfg, 1.0f);
        QCOMPARE(full.seed, std::uint64_t(77));
        QVERIFY(full.fastDecode);
        QVERIFY(!full.cheapPreview);
        // The document's own settings are not the preset's.
        QCOMPARE(p.settings.sampler, SamplerKind::DpmPp2mKarras);

        const GenerateRequest half = scaledRequest(full, 256, 256);
        QCOMPARE(half.width, 256);
        QCOMPARE(half.height, 256);
        QCOMPARE(half.featherPx, 8.f);
        QCOMPARE(half.regions[0].mask.width, 256);
        QCOMPARE(half.regions[0].mask.values.size(), std::size_t(256 * 256));
        QVERIFY(half.regions[0].mask.values[std::size_t(60) * 256 + 60] > 0.99f);
        QVERIFY(half.regions[0].mask.values[std::size_t(200) * 256 + 200] < 0.01f);
        QVERIFY(half.regions[1].box.has_value());
        QCOMPARE(half.regions[1].box->x, 128);
        QCOMPARE(half.regions[1].box->width, 128);
        QCOMPARE(half.regions[1].box->y + half.regions[1].box->height, 256);
        QCOMPARE(half.seed, full.seed);
        QCOMPARE(half.steps, full.steps);
    }

    void snapshotKeepsOnlyTheStartResult()
    {
        Project p = DocumentController::newProject(64, 64);
        for (std::uint32_t id = 1; id <= 3; ++id) {
            ProjectResult r;
            r.id = id;
            r.image = RgbImage{64, 64, std::vector<std::uint8_t>(64 * 64 * 3, std::uint8_t(id))};
            p.results.push_back(r);
        }
        QVERIFY(liveSnapshot(p).results.empty());
        p.settings.start = StartImage::LastResult;
        const Project s = liveSnapshot(p);
        QCOMPARE(s.results.size(), std::size_t(1));
        QCOMPARE(s.results[0].id, 3u);
    }

    void presetIsOneUndoStep()
    {
        test::TestWindow w;
        QVERIFY(w.ready());
        DocumentController* doc = w.window.document();
        auto* combo = w.window.findChild<SamplingPresetCombo*>("samplingPreset");
        QVERIFY(combo);
        QCOMPARE(combo->currentText(), QStringLiteral("Custom")); // DPM++ 2M Karras, 20, 7.5
        GenerationSettings s = doc->project().settings;
        s.seed = 5;
        doc->setSettings(s);
        const int before = doc->undoStack()->count();
        combo->setFocus();
        QTest::keyClick(combo, Qt::Key_Up); // Custom -> Quality
        QCOMPARE(doc->project().settings.steps, 25);
        QCOMPARE(doc->project().settings.cfg, 7.0f);
        QCOMPARE(combo->currentText(), QStringLiteral("Quality"));
        QTest::keyClick(combo, Qt::Key_Up); // -> Live (4 steps)
        QCOMPARE(doc->project().settings.sampler, SamplerKind::Lcm);
        QCOMPARE(doc->project().settings.steps, 4);
        QCOMPARE(doc->project().settings.cfg, 1.0f);
        QCOMPARE(doc->undoStack()->count(), before + 2);
        // A seed a random run chose since is kept by undo.
        s = doc->project().settings;
        s.seed = 99;
        doc->setSettings(s);
        doc->undoStack()->undo();
        QCOMPARE(doc->project().settings.steps, 25);
        QCOMPARE(doc->project().settings.seed, std::uint64_t(99));
        QCOMPARE(combo->currentText(), QStringLiteral("Quality"));
        doc->undoStack()->undo();
        QCOMPARE(doc->project().settings.steps, 20);
        QCOMPARE(doc->project().settings.cfg, 7.5f);
        QCOMPARE(combo->currentText(), QStringLiteral("Custom"));
        // Choosing "Custom" changes nothing.
        combo->setCurrentIndex(0);
        combo->setCurrentIndex(combo->count() - 1);
        Q_EMIT combo->activated(combo->count() - 1);
        QCOMPARE(doc->project().settings.steps, 20);
        QCOMPARE(combo->currentText(), QStringLiteral("Custom"));
    }

    void shortcutsAreFreeAndToggleLive()
    {
        test::TestWindow w;
        QVERIFY(w.ready());
        LiveFeatures* live = w.window.live();
        QVERIFY(live);
        // No other action of the window answers Ctrl+L or Ctrl+Shift+L.
        for (QAction* a : w.window.findChildren<QAction*>()) {
            if (a == live->liveAction() || a == live->keepAction())
                continue;
            for (const QKeySequence& k : a->shortcuts()) {
                QVERIFY2(k != live->liveAction()->shortcut(), qPrintable(a->text()));
                QVERIFY2(k != live->keepAction()->shortcut(), qPrintable(a->text()));
            }
        }
        QVERIFY(!live->controller()->isEnabled());
        QVERIFY(!live->keepAction()->isEnabled()); // no frame yet
        w.window.canvas()->setFocus();
        QTest::keyClick(w.window.canvas(), Qt::Key_L, Qt::ControlModifier);
        QVERIFY(live->controller()->isEnabled());
        QVERIFY(live->liveAction()->isChecked());
        QTest::keyClick(w.window.canvas(), Qt::Key_L, Qt::ControlModifier);
        QVERIFY(!live->controller()->isEnabled());
        QVERIFY(w.window.canvas()->baseImage().isNull());
    }

    // Typing waits for a pause (one render for a burst, through the undo stack's merges); a
    // finished stroke renders at once. Without a model each render says so, which counts them.
    void typingIsDebouncedStrokesStartAtOnce()
    {
        test::TestWindow w;
        QVERIFY(w.ready());
        LiveController* live = w.window.live()->controller();
        live->setEnabled(true);
        QSignalSpy renders(live, &LiveController::message);
        auto* prompt = w.window.findChild<PromptEdit*>("backgroundPrompt");
        QVERIFY(prompt);
        prompt->setFocus();
        for (const char c : QByteArray("a lake")) {
            if (c)
                QTest::keyClick(prompt, c);
            QTest::qWait(20);
        }
        QCOMPARE(w.window.document()->project().prompt, std::string("a lake"));
        QCOMPARE(renders.count(), 0); // still typing
        QTRY_COMPARE_WITH_TIMEOUT(renders.count(), 1, 2000);
        QTest::qWait(300);
        QCOMPARE(renders.count(), 1); // one for the burst

        w.window.document()->addMaskRegion();
        QTRY_COMPARE_WITH_TIMEOUT(renders.count(), 2, 2000); // a region added (debounced)
        w.window.canvas()->setFocus();
        test::drag(w.window.canvas(), {{100, 100}, {140, 120}, {200, 130}});
        QCoreApplication::processEvents(); // the 0 ms timer: no wait for a pause
        QCOMPARE(renders.count(), 3);
        live->setEnabled(false);
        test::drag(w.window.canvas(), {{100, 200}, {140, 220}});
        QTest::qWait(300);
        QCOMPARE(renders.count(), 3); // off: nothing
    }
};

QTEST_MAIN(LiveModeTest)
#include "LiveModeTest.moc"

// With a real model (the embedded one, the fixture, or $MDSTUDIO_TEST_MODEL): prompt fields
// show their token count per 75-token chunk, counted on the worker thread without stalling
// the GUI; "Generate more" makes several images per click, each with its seed, each landing
// in the history, with the progress in the window title.

#include "UiTestSupport.h"
#include "ui/document/DocumentController.h"
#include "ui/generation/GenerationController.h"
#include "ui/generation/GenerationSession.h"
#include "ui/panels/GenerationPanel.h"
#include "ui/panels/PromptEdit.h"
#include "ui/panels/RegionsPanel.h"

#include <QElapsedTimer>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

using namespace md;

class GenerateMoreTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<test::UiTestEnvironment> m_env;
    std::unique_ptr<MainWindow> m_window;

    DocumentController* doc() const { return m_window->document(); }
    GenerationController* gen() const { return m_window->generation(); }

    void loadModelOrSkip()
    {
        const QString model = test::testModelPath();
        if (model.isEmpty())
            QSKIP("no model: set MDSTUDIO_TEST_MODEL, ship resources/models/, or MD_FIXTURES_DIR");
        QSignalSpy state(gen(), &GenerationController::modelStateChanged);
        m_window->session()->chooseModel(model);
        QTRY_VERIFY_WITH_TIMEOUT(gen()->modelState() != GenerationController::ModelState::Loading,
                                 300000);
        if (gen()->modelState() != GenerationController::ModelState::Ready)
            QSKIP(qPrintable("the engine cannot load " + model +
                             " yet: " + state.last().value(1).toString()));
    }

private Q_SLOTS:
    void init()
    {
        m_env = std::make_unique<test::UiTestEnvironment>();
        m_window = std::make_unique<MainWindow>(m_env->settings.get());
        m_window->show();
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    }

    void cleanup()
    {
        m_window.reset();
        m_env.reset();
    }

    void promptFieldsShowTheirTokenCountPerChunk()
    {
        loadModelOrSkip();
        PromptEdit* prompt = m_window->regionsPanel()->backgroundPrompt();
        // The chunk size is the model's (75 for CLIP; the embedded model's own otherwise).
        const QRegularExpression empty("^0/([0-9]+)$");
        QTRY_VERIFY_WITH_TIMEOUT(empty.match(prompt->tokenCountText()).hasMatch(), 10000);
        const int capacity = empty.match(prompt->tokenCountText()).captured(1).toInt();
        QVERIFY(capacity >= 70 && capacity <= 76);
        prompt->setFocus();
        QTest::keyClicks(prompt, "a red house by a lake");
        const QRegularExpression oneChunk(QStringLiteral("^([0-9]+)/%1$").arg(capacity));
        QTRY_VERIFY_WITH_TIMEOUT(oneChunk.match(prompt->tokenCountText()).hasMatch() &&
                                     !prompt->tokenCountText().startsWith("0/"),
                                 10000);
        const int shortCount = oneChunk.match(prompt->tokenCountText()).captured(1).toInt();
        QVERIFY2(shortCount >= 5 && shortCount <= 16, qPrintable(prompt->tokenCountText()));

        // A long prompt: several chunks, all used, and the field grew with its text.
        const int heightBefore = prompt->height();
        QString longText;
        for (int i = 0; i < 20; ++i)
            longText += QStringLiteral(", a small red house");
        QTest::keyClicks(prompt, longText);
        const QRegularExpression chunks("^([0-9]+)/([0-9]+) · ([0-9]+) chunks$");
        QTRY_VERIFY_WITH_TIMEOUT(chunks.match(prompt->tokenCountText()).hasMatch(), 10000);
        const auto m = chunks.match(prompt->tokenCountText());
        QVERIFY(m.captured(3).toInt() >= 2);
        QCOMPARE(m.captured(2).toInt(), m.captured(3).toInt() * capacity);
        QVERIFY(m.captured(1).toInt() > capacity);
        QVERIFY2(prompt->height() > heightBefore,
                 qPrintable(QString("%1 -> %2").arg(heightBefore).arg(prompt->height())));
        // It stops growing at its limit.
        QTest::keyClicks(prompt, longText + longText + longText);
        QVERIFY(prompt->height() <= heightBefore * 3 + 8);
    }

    void generateMoreQueuesSeveralSeedsIntoTheHistory()
    {
        loadModelOrSkip();
        doc()->setCanvasSize(128, 64);
        doc()->setBackgroundPrompt("a calm lake");
        GenerationSettings s = doc()->project().settings;
        s.steps = 2;
        s.seed = 100;
        s.seedMode = SeedMode::Fixed;
        s.sampler = SamplerKind::Euler;
        doc()->setSettings(s);
        QSpinBox* count = m_window->generationPanel()->countSpin();
        count->setFocus();
        count->selectAll();
        QTest::keyClicks(count, "3");
        QCOMPARE(m_window->generationPanel()->imageCount(), 3);

        QStringList titles;
        connect(m_window.get(), &QWidget::windowTitleChanged, this,
                [&](const QString& t) { titles << t; });
        QTest::mouseClick(m_window->generationPanel()->generateButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(doc()->project().results.size(), size_t(3), 600000);
        QTRY_VERIFY_WITH_TIMEOUT(!gen()->isBusy(), 10000);
        const auto& results = doc()->project().results;
        QCOMPARE(results[0].seed, std::uint64_t(100));
        QCOMPARE(results[1].seed, std::uint64_t(101));
        QCOMPARE(results[2].seed, std::uint64_t(102));
        for (const ProjectResult& r : results)
            QVERIFY(r.layout);
        QVERIFY2(titles.filter(QRegularExpression("^\\[[0-9]+ %\\] ")).size() >= 2,
                 qPrintable(titles.join(" | ")));
        QVERIFY(!m_window->windowTitle().startsWith("["));
        QCOMPARE(m_window->session()->queueTotal(), 0);
    }

    void cancelStopsTheQueue()
    {
        loadModelOrSkip();
        doc()->setCanvasSize(128, 64);
        GenerationSettings s = doc()->project().settings;
        s.steps = 30;
        s.seedMode = SeedMode::Random;
        doc()->setSettings(s);
        m_window->generationPanel()->countSpin()->setValue(4);
        QTest::mouseClick(m_window->generationPanel()->generateButton(), Qt::LeftButton);
        QVERIFY(gen()->isBusy());
        QTest::mouseClick(m_window->generationPanel()->cancelButton(), Qt::LeftButton);
        QVERIFY(!gen()->isBusy());
        QTest::qWait(300);
        QVERIFY(!gen()->isBusy());
        QVERIFY(doc()->project().results.size() <= 1);
    }
};

QTEST_MAIN(GenerateMoreTest)
#include "GenerateMoreTest.moc"

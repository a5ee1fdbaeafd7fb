// The status bar's estimate before Generate (EstimateLabel): it appears once a model is
// loaded, says the memory and the UNet evaluations, and changes with the canvas size.

#include "ui/panels/EstimateLabel.h"

#include "UiTestSupport.h"
#include "ui/document/DocumentController.h"
#include "ui/generation/GenerationController.h"

#include <QLabel>
#include <QSignalSpy>
#include <QTest>

using namespace md;

class EstimateLabelTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void labelFollowsTheCanvasSize()
    {
        const QString model = test::testModelPath();
        if (model.isEmpty())
            QSKIP("no model: ship resources/models/ or set MD_FIXTURES_DIR");
        test::TestWindow w;
        QVERIFY(w.ready());
        auto* label = w.window.findChild<QLabel*>(QStringLiteral("estimateLabel"));
        QVERIFY(label != nullptr);
        w.window.session()->chooseModel(model);
        QTRY_VERIFY_WITH_TIMEOUT(
            w.window.generation()->modelState() == GenerationController::ModelState::Ready, 300000);
        DocumentController* doc = w.window.document();
        doc->setCanvasSize(512, 512);
        QTRY_VERIFY_WITH_TIMEOUT(label->isVisible() && label->text().contains("UNet evaluations"),
                                 30000);
        QTRY_VERIFY_WITH_TIMEOUT(label->text().startsWith(QStringLiteral("≈ ")), 30000);
        const QString small = label->text();
        QVERIFY2(!label->toolTip().isEmpty(), "the tooltip says what the figure is");

        doc->setCanvasSize(2048, 1024); // many views: more memory and more evaluations
        QTRY_VERIFY_WITH_TIMEOUT(label->text() != small, 30000);
        QVERIFY(label->text().contains("UNet evaluations"));
        qInfo("512x512: %s; 2048x1024: %s", qPrintable(small), qPrintable(label->text()));
    }
};

QTEST_MAIN(EstimateLabelTest)
#include "EstimateLabelTest.moc"

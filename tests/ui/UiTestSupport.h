#pragma once

// Helpers shared by the ui tests: isolated settings, the model to test with, and canvas
// coordinates for QTest mouse events.

#include "TestConfig.h"
#include "ui/MainWindow.h"
#include "ui/Settings.h"
#include "ui/canvas/CanvasView.h"
#include "ui/generation/GenerationSession.h"

#include <QDir>
#include <QFileInfo>
#include <QPoint>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <numeric>

namespace md::test {

// Settings in a throw-away INI file, and QStandardPaths in test mode (autosave files go to
// ~/.qttest, not to the user's data).
struct UiTestEnvironment
{
    QTemporaryDir dir;
    std::unique_ptr<Settings> settings;

    UiTestEnvironment()
    {
        QStandardPaths::setTestModeEnabled(true);
        settings = std::make_unique<Settings>(dir.filePath("settings.ini"));
    }
    QString path(const QString& name) const { return dir.filePath(name); }
};

// A main window on throw-away settings, shown and active, its canvas fitted (ready() says
// whether it became active).
struct TestWindow
{
    UiTestEnvironment env;
    MainWindow window{env.settings.get()};

    bool ready()
    {
        window.resize(1200, 800);
        window.show();
        window.activateWindow();
        if (!QTest::qWaitForWindowActive(&window))
            return false;
        window.canvas()->fitToWindow();
        return true;
    }
};

// The model the generation tests use: $MDSTUDIO_TEST_MODEL, else the embedded default,
// else the tiny fixture model. Empty when none exists.
inline QString testModelPath()
{
    const QString env = qEnvironmentVariable("MDSTUDIO_TEST_MODEL");
    if (!env.isEmpty())
        return env;
    const QString embedded = GenerationSession::defaultModel();
    if (!embedded.isEmpty())
        return embedded;
    QString fixtures = qEnvironmentVariable("MD_FIXTURES_DIR");
    if (fixtures.isEmpty())
        fixtures = QStringLiteral(MD_FIXTURES_DIR_DEFAULT);
    const QString tiny = QDir(fixtures).filePath("tiny-sd15");
    return QFileInfo::exists(tiny) ? tiny : QString();
}

// A folder for a test's pictures: $<envVar> (CTest sets it), else <build>/<fallback>;
// created when missing.
inline QString outputDir(const char* envVar, const char* fallback)
{
    QString dir = qEnvironmentVariable(envVar);
    if (dir.isEmpty())
        dir = QStringLiteral(MD_BINARY_DIR "/") + QLatin1String(fallback);
    QDir().mkpath(dir);
    return dir;
}

// Where the screenshot tests save their PNGs ($MD_SCREENSHOT_DIR).
inline QString screenshotDir()
{
    return outputDir("MD_SCREENSHOT_DIR", "screenshots");
}

inline QPoint widgetPoint(const CanvasView* canvas, double x, double y)
{
    return canvas->canvasToWidget(QPointF(x, y)).toPoint();
}

// A left-button drag through canvas points: press, moves, release.
inline void drag(CanvasView* canvas, const QList<QPointF>& points, Qt::KeyboardModifiers mods = {})
{
    QTest::mousePress(canvas, Qt::LeftButton, mods,
                      widgetPoint(canvas, points.front().x(), points.front().y()));
    for (int i = 1; i < points.size(); ++i)
        QTest::mouseMove(canvas, widgetPoint(canvas, points[i].x(), points[i].y()));
    QTest::mouseRelease(canvas, Qt::LeftButton, mods,
                        widgetPoint(canvas, points.back().x(), points.back().y()));
}

inline double maskSum(const ProjectRegion& r)
{
    return std::accumulate(r.mask.values.begin(), r.mask.values.end(), 0.0);
}

inline float maskAt(const ProjectRegion& r, int x, int y)
{
    return r.mask.values[size_t(y) * r.mask.width + x];
}

} // namespace md::test

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
#include <memory>

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

inline QPoint widgetPoint(const CanvasView* canvas, double x, double y)
{
    return canvas->canvasToWidget(QPointF(x, y)).toPoint();
}

} // namespace md::test

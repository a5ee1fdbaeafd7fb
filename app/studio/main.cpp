// mdstudio: the GUI. Argument parsing only; everything else lives in mdui.

#include "document/AtomicFile.h"
#include "ui/MainWindow.h"
#include "ui/Settings.h"
#include "ui/Theme.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv)
{
    // A save past the file size limit fails with EFBIG (and says so) rather than killing us.
    md::ignoreFileSizeSignal();
    QApplication app(argc, argv);
    QApplication::setApplicationName("mdstudio");
    QApplication::setOrganizationName("mdstudio");
    QApplication::setApplicationDisplayName("MultiDiffusion Studio");
    QApplication::setApplicationVersion(MD_STUDIO_VERSION);
    QGuiApplication::setDesktopFileName("io.github.mdstudio.MultiDiffusionStudio");

    QCommandLineParser parser;
    parser.setApplicationDescription("Paint regions, prompt each one, generate with "
                                     "MultiDiffusion.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("file", "A .mdsp project or a PNG exported by the app.", "[file]");
    parser.process(app);

    md::Settings settings;
    md::applyTheme(app, settings.theme());
    md::MainWindow window(&settings);
    window.show();
    window.startUp(parser.positionalArguments());
    return app.exec();
}

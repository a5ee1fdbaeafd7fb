#pragma once

// The project's result history as a strip of thumbnails, newest first. Clicking one shows
// it on the canvas; its tooltip lists the settings that made it. "Use settings" brings back
// its seed, settings, prompts and layout (masks and boxes); "Export PNG" writes it with the
// project that made it.

#include <QHash>
#include <QIcon>
#include <QWidget>
#include <cstdint>

class QLabel;
class QListWidget;
class QListWidgetItem;
class QMenu;
class QToolButton;

namespace md {

class DocumentController;
struct ProjectResult;

class ResultsStrip : public QWidget
{
    Q_OBJECT
public:
    explicit ResultsStrip(DocumentController* document, QWidget* parent = nullptr);

    std::uint32_t selectedResult() const;
    void selectResult(std::uint32_t resultId); // 0: none
    QListWidget* list() const { return m_list; }
    QToolButton* upscaleButton() const { return m_upscale; }
    // Upscale 1.5x, 2x, 3x, 4x of the selected result (the button's and the item menu's).
    void addUpscaleActions(QMenu* menu);
    static QString describe(const ProjectResult& result, int width, int height);

Q_SIGNALS:
    void resultSelected(std::uint32_t resultId); // 0: none (show the live canvas)
    void useSettingsRequested(std::uint32_t resultId);
    void exportRequested(std::uint32_t resultId);
    void compareToggled(bool on);
    void upscaleRequested(std::uint32_t resultId, double factor);

private:
    void rebuild();
    void showMenu(const QPoint& pos);
    void updateButtons();
    QIcon thumbnail(const ProjectResult& result);

    DocumentController* m_document;
    QListWidget* m_list;
    QToolButton* m_use;
    QToolButton* m_export;
    QToolButton* m_compare;
    QToolButton* m_delete;
    QToolButton* m_upscale;
    QLabel* m_emptyHint;
    QHash<std::uint32_t, QIcon> m_thumbnails;
    bool m_updating = false;
};

} // namespace md

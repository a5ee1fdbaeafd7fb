#pragma once

// Timing helpers of the live-mode tests (issue 15): the GUI thread's own work per event
// (TimingApplication), the gaps of a 5 ms timer (StallProbe), bounds from the environment.

#include <QApplication>
#include <QElapsedTimer>
#include <QString>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <ctime>
#include <utility>
#include <vector>

namespace md::test {

inline double threadCpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

// Times every event the GUI thread handles (outermost dispatch only): the longest one in
// wall time and in the thread's CPU time. The CPU time is the GUI's own work, whatever else
// the machine runs; the wall time adds the waits for a core.
class TimingApplication : public QApplication
{
public:
    using QApplication::QApplication;
    bool notify(QObject* receiver, QEvent* event) override
    {
        if (QThread::currentThread() != thread()) // the worker's events: not the GUI's
            return QApplication::notify(receiver, event);
        if (m_depth++ > 0 || !m_armed) {
            const bool handled = QApplication::notify(receiver, event);
            --m_depth;
            return handled;
        }
        QElapsedTimer wall;
        wall.start();
        const double cpu0 = threadCpuMs();
        const bool handled = QApplication::notify(receiver, event);
        const double cpu = threadCpuMs() - cpu0;
        const double ms = double(wall.nsecsElapsed()) / 1e6;
        if (cpu > m_longestCpu) {
            m_longestCpu = cpu;
            m_longestWhat = QStringLiteral("%1 to %2 (%3 ms wall)")
                                .arg(int(event->type()))
                                .arg(QString::fromLatin1(receiver->metaObject()->className()))
                                .arg(ms, 0, 'f', 1);
        }
        m_longestWall = std::max(m_longestWall, ms);
        --m_depth;
        return handled;
    }
    void arm()
    {
        m_armed = true;
        m_longestCpu = m_longestWall = 0;
        m_longestWhat.clear();
    }
    void disarm() { m_armed = false; }
    double longestCpuMs() const { return m_longestCpu; }
    double longestWallMs() const { return m_longestWall; }
    QString longestWhat() const { return m_longestWhat; }
    static TimingApplication* instance() { return static_cast<TimingApplication*>(qApp); }

private:
    int m_depth = 0;
    bool m_armed = false;
    double m_longestCpu = 0;
    double m_longestWall = 0;
    QString m_longestWhat;
};

// The longest gap between 5 ms timer ticks: how long the GUI thread was blocked.
class StallProbe : public QObject
{
public:
    StallProbe()
    {
        m_clock.start();
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.elapsed();
            if (now - m_last > 25)
                m_long.push_back({now - m_last, now});
            m_worst = std::max(m_worst, now - m_last);
            m_last = now;
        });
        m_timer.start(5);
    }
    qint64 worstMs() const { return m_worst; }
    // Gaps over 25 ms: (length, when it ended), ms since the probe started.
    const std::vector<std::pair<qint64, qint64>>& longGaps() const { return m_long; }
    qint64 now() const { return m_clock.elapsed(); }

private:
    std::vector<std::pair<qint64, qint64>> m_long;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_worst = 0;
};

inline double envBound(const char* name, double fallback)
{
    bool ok = false;
    const double v = qEnvironmentVariable(name).toDouble(&ok);
    return ok && v > 0 ? v : fallback;
}

inline double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n == 0 ? 0.0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

} // namespace md::test

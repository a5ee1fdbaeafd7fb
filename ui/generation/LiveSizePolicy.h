#pragma once

// Live mode's choice of frame size, from measured speed (issue 15): a running estimate of the
// seconds one live frame takes at the canvas's full size, from the worker's timings. While it
// predicts more than the budget (about 0.8 s), frames drawn while the artist paints are made
// at half size (reducedSize), and one full-size frame follows when the artist pauses. Plain
// C++ (no Qt), so the decision is unit-tested on its own.

namespace md {

struct FrameSize
{
    int width = 0;
    int height = 0;
};

class LiveSizePolicy
{
public:
    // budgetSeconds: the longest full-size frame that is still live enough; below
    // resumeFraction * budget, reduced frames stop again (hysteresis, so the size does not
    // flip between two frames of about the budget).
    explicit LiveSizePolicy(double budgetSeconds = 0.8, double resumeFraction = 0.75);

    // A frame of frame.width x frame.height took `seconds` for a canvas of canvas.width x
    // canvas.height. Full-size frames move the full-size estimate (a running mean weighted
    // to the newest); reduced ones give a first estimate, scaled by the ratio of pixels,
    // until a full-size frame has been measured.
    void record(double seconds, FrameSize frame, FrameSize canvas);
    // The seconds a full-size frame is expected to take; < 0 while nothing was measured.
    double fullSizeSeconds() const;
    // Whether the frames made while the artist paints are made at reduced size.
    bool reduce() const { return m_reduce; }
    double budgetSeconds() const { return m_budget; }
    // Forgets the measurements (another model, another canvas size).
    void reset();

    // Half the canvas, each side a multiple of 8 (rounded down), at least 64.
    static FrameSize reducedSize(FrameSize canvas);

private:
    void decide();

    double m_budget;
    double m_resume;
    double m_full = -1.0;   // running estimate from full-size frames
    double m_scaled = -1.0; // from reduced frames, scaled to full size
    bool m_reduce = false;
};

} // namespace md

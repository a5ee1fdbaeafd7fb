#include "engine/cuda/CudaGraphCache.h"

#include <atomic>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <torch/torch.h>
#include <utility>

#ifdef MD_WITH_CUDA_GRAPHS
#if __has_include(<ATen/cuda/CUDAGeneratorImpl.h>)
#include <ATen/cuda/CUDAGeneratorImpl.h>
#else
#include <ATen/CUDAGeneratorImpl.h> // libtorch 1.x
#endif
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#include <torch/version.h>
#endif

namespace md {

namespace {

constexpr size_t kMaxWarmups = 256; // keys seen once, kept to recognise the second call

// Set when a failed capture left the device's random generator in capture mode: its state
// is restored, and no cache of this process captures or replays a graph again (a capture
// after such a restore was seen to fail and leave the generator stuck for good).
std::atomic<bool> g_offAfterFailure{false};

std::string fullKey(const std::string& key, const std::vector<torch::Tensor>& inputs)
{
    std::string k = key;
    for (const auto& t : inputs) {
        k += '|';
        k += c10::toString(t.scalar_type());
        k += '@';
        k += t.device().str();
        for (const int64_t size : t.sizes())
            k += ',' + std::to_string(size);
    }
    return k;
}

bool capturable(const std::vector<torch::Tensor>& inputs)
{
    if (inputs.empty() || torch::GradMode::is_enabled())
        return false;
    for (const auto& t : inputs)
        if (!t.defined() || !t.is_cuda() || t.device() != inputs.front().device())
            return false;
    return true;
}

} // namespace

struct CudaGraphCache::Entries
{
    struct Entry
    {
        int calls = 0;
        bool failed = false;
        std::vector<torch::Tensor> statics; // the inputs the graph reads
        torch::Tensor output;               // the output the graph writes
#ifdef MD_WITH_CUDA_GRAPHS
        std::unique_ptr<at::cuda::CUDAGraph> graph;
#endif
        bool hasGraph() const
        {
#ifdef MD_WITH_CUDA_GRAPHS
            return graph != nullptr;
#else
            return false;
#endif
        }
    };
    std::map<std::string, Entry> byKey;
    std::list<std::string> graphs; // keys holding a graph, most recently used first
#ifdef MD_WITH_CUDA_GRAPHS
    std::optional<decltype(at::cuda::graph_pool_handle())> pool;
#endif
    std::string lastFailure;

    void touch(const std::string& key)
    {
        graphs.remove(key);
        graphs.push_front(key);
    }

    // Drops the least recently used graphs beyond `capacity` and, past kMaxWarmups, the
    // keys seen only once.
    void trim(size_t capacity)
    {
        while (graphs.size() > capacity) {
            byKey.erase(graphs.back());
            graphs.pop_back();
        }
        if (byKey.size() > kMaxWarmups + capacity)
            for (auto it = byKey.begin(); it != byKey.end();)
                it = it->second.hasGraph() || it->second.failed ? std::next(it) : byKey.erase(it);
    }

#ifdef MD_WITH_CUDA_GRAPHS
    // Captures `function` on the entry's static inputs (copies of `inputs`) and replays it
    // once: the entry then holds the graph and its output.
    void capture(Entry& e, const std::vector<torch::Tensor>& inputs, const Function& function)
    {
        const auto device = inputs.front().device();
        c10::cuda::CUDAGuard deviceGuard(device);
        e.statics.clear();
        for (const auto& t : inputs)
            e.statics.push_back(t.clone(at::MemoryFormat::Contiguous));
        if (!pool)
            pool = at::cuda::graph_pool_handle();
        // The side stream starts after everything queued so far (the static copies).
        c10::cuda::device_synchronize();
        at::Generator generator = at::cuda::detail::getDefaultCUDAGenerator(device.index());
        at::Generator before;
        {
            std::lock_guard<std::mutex> lock(generator.mutex());
            before = generator.clone();
        }
        auto graph = std::make_unique<at::cuda::CUDAGraph>();
        {
            c10::cuda::CUDAStreamGuard streamGuard(
                c10::cuda::getStreamFromPool(false, device.index()));
#if TORCH_VERSION_MAJOR >= 2
            // Thread-local: another thread's CUDA calls (a preview, the GUI) do not break it.
            graph->capture_begin(*pool, cudaStreamCaptureModeThreadLocal);
#else
            graph->capture_begin(*pool);
#endif
            try {
                e.output = function(e.statics);
            } catch (const std::exception& error) {
                std::string what = firstLine(error.what());
                bool ended = false;
                try {
                    graph->capture_end(); // ends the capture and the pool's allocations
                    ended = true;
                } catch (const std::exception& endError) {
                    what += "; capture_end: " + firstLine(endError.what());
                }
                graph.reset();
                lastFailure = what + recover(device, ended, generator, before);
                throw;
            }
            graph->capture_end();
        }
        graph->replay();
        e.graph = std::move(graph);
    }

    static std::string firstLine(const std::string& text)
    {
        return text.substr(0, text.find('\n'));
    }

    // Whether a random op runs on `device` (it throws while the generator thinks it is
    // capturing).
    static std::string probeRandom(const c10::Device& device)
    {
        try {
            torch::empty({4}, torch::TensorOptions().device(device)).normal_();
            return {};
        } catch (const std::exception& error) {
            (void)cudaGetLastError();
            return firstLine(error.what());
        }
    }

    // A capture that failed inside (a host copy or a sync: the stream's capture is then
    // invalidated, and CUDAGraph::capture_end throws before its bookkeeping) can leave two
    // things behind: the caching allocator still routing the capture's allocations to the
    // pool, and the device's default generator still in capture mode, so that every later
    // random op on the device throws ("Offset increment outside graph capture"; torch 2.11).
    // The first is ended here; for the second the generator gets back the state it had
    // before the capture (torch >= 2.3), the graphs captured with the stuck state are dropped
    // (their replays would throw too), and graphs go off for the whole process. Returns what
    // it did, for Stats::lastFailure.
    std::string recover(const c10::Device& device, bool ended, at::Generator& generator,
                        const at::Generator& before)
    {
        (void)cudaGetLastError();
        std::string log;
#if TORCH_VERSION_MAJOR >= 2
        if (!ended) {
            try {
                c10::cuda::CUDACachingAllocator::endAllocateToPool(device.index(), *pool);
            } catch (const std::exception& error) {
                log += "; endAllocateToPool: " + firstLine(error.what());
            }
        }
#endif
        std::string probe = probeRandom(device);
        if (probe.empty())
            return log + "; random ops still run";
        log += "; random ops fail (" + probe + ")";
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
        try {
            std::lock_guard<std::mutex> lock(generator.mutex());
            generator.graphsafe_set_state(before);
        } catch (const std::exception& error) {
            log += "; graphsafe_set_state: " + firstLine(error.what());
        }
        dropGraphs();
        g_offAfterFailure = true;
        probe = probeRandom(device);
        if (probe.empty())
            return log + "; the generator's state restored, CUDA graphs off for this process";
#else
        (void)generator;
        (void)before;
#endif
        g_offAfterFailure = true;
        return log + "; random ops still fail; CUDA graphs off for this process";
    }

    // Drops every captured graph (the keys stay, with their failure marks).
    void dropGraphs()
    {
        for (auto& [key, entry] : byKey) {
            entry.graph.reset();
            entry.statics.clear();
            entry.output = torch::Tensor();
            entry.calls = 0;
        }
        graphs.clear();
    }
#endif
};

CudaGraphCache::CudaGraphCache(int capacity)
    : m_entries(std::make_unique<Entries>()), m_capacity(std::max(capacity, 1))
{
}

CudaGraphCache::~CudaGraphCache() = default;

bool CudaGraphCache::compiledIn()
{
#ifdef MD_WITH_CUDA_GRAPHS
    return true;
#else
    return false;
#endif
}

bool CudaGraphCache::offAfterAFailedCapture()
{
    return g_offAfterFailure;
}

void CudaGraphCache::setEnabled(bool enabled)
{
    if (!enabled)
        clear();
    m_enabled = enabled;
}

void CudaGraphCache::clear()
{
    m_entries->byKey.clear();
    m_entries->graphs.clear();
}

torch::Tensor CudaGraphCache::run(const std::string& key, const std::vector<torch::Tensor>& inputs,
                                  const Function& function)
{
    if (!compiledIn() || !m_enabled || g_offAfterFailure || !capturable(inputs)) {
        ++m_stats.eager;
        return function(inputs);
    }
    const std::string k = fullKey(key, inputs);
    auto& e = m_entries->byKey[k];
    ++e.calls;
#ifdef MD_WITH_CUDA_GRAPHS
    if (e.graph) {
        for (size_t i = 0; i < inputs.size(); ++i)
            e.statics[i].copy_(inputs[i]);
        e.graph->replay();
        m_entries->touch(k);
        ++m_stats.replays;
        return e.output.clone();
    }
    if (e.calls >= 2 && !e.failed) {
        try {
            m_entries->capture(e, inputs, function);
            m_entries->touch(k);
            ++m_stats.captures;
            auto out = e.output.clone();
            m_entries->trim(static_cast<size_t>(m_capacity));
            return out;
        } catch (const std::exception&) {
            // Not capturable (a host copy or a sync inside): this key runs eagerly.
            (void)cudaGetLastError();
            e.failed = true;
            e.graph.reset();
            e.statics.clear();
            e.output = torch::Tensor();
            ++m_stats.failures;
            m_stats.lastFailure = m_entries->lastFailure;
        }
    }
#endif
    ++m_stats.eager;
    auto out = function(inputs);
    m_entries->trim(static_cast<size_t>(m_capacity));
    return out;
}

} // namespace md

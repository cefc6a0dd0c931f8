//! A small SVG bar chart drawn by hand (no chart library in the wasm).

use leptos::prelude::*;

/// One bar: its label under the axis and the value shown in its tooltip.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub title: String,
}

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 140.0;
const AXIS: f64 = 18.0;

/// Bar heights scaled to the largest value (a flat line when all are zero).
pub fn heights(values: &[f64], max_height: f64) -> Vec<f64> {
    let max = values.iter().copied().fold(0.0_f64, f64::max);
    values
        .iter()
        .map(|v| {
            if max > 0.0 {
                (v.max(0.0) / max * max_height).max(1.0)
            } else {
                1.0
            }
        })
        .collect()
}

#[component]
pub fn BarChart(
    #[prop(into)] bars: Signal<Vec<Bar>>,
    #[prop(into)] label: Signal<String>,
    /// Label only every n-th bar, counted back from the last (long series); all when absent.
    #[prop(optional)]
    label_every: Option<usize>,
) -> impl IntoView {
    let every = label_every.unwrap_or(1).max(1);
    let body = move || {
        let bars = bars.get();
        let count = bars.len();
        let n = count.max(1) as f64;
        let slot = WIDTH / n;
        let bar_w = (slot * 0.6).max(4.0);
        let values: Vec<f64> = bars.iter().map(|b| b.value).collect();
        let hs = heights(&values, HEIGHT - AXIS - 4.0);
        bars.into_iter()
            .zip(hs)
            .enumerate()
            .map(|(i, (bar, h))| {
                let x = slot * i as f64 + (slot - bar_w) / 2.0;
                let y = HEIGHT - AXIS - h;
                let shown = (count - 1 - i).is_multiple_of(every);
                view! {
                    <g>
                        <rect x=x y=y width=bar_w height=h rx="3" class="bar">
                            <title>{format!("{}: {}", bar.label, bar.title)}</title>
                        </rect>
                        {shown.then(|| view! {
                            <text x=x + bar_w / 2.0 y=HEIGHT - 4.0 text-anchor="middle" class="axis">
                                {bar.label.clone()}
                            </text>
                        })}
                    </g>
                }
            })
            .collect_view()
    };
    view! {
        <svg class="chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img"
            aria-label=move || label.get()>
            <line x1="0" x2=WIDTH y1=HEIGHT - AXIS y2=HEIGHT - AXIS class="baseline"/>
            {body}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::heights;

    #[test]
    fn scales_to_the_largest_bar() {
        assert_eq!(heights(&[0.0, 5.0, 10.0], 100.0), vec![1.0, 50.0, 100.0]);
        assert_eq!(heights(&[0.0, 0.0], 100.0), vec![1.0, 1.0]);
        assert!(heights(&[], 10.0).is_empty());
    }
}

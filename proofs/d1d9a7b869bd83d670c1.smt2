; corpus/not-equivalent/i386-irq_disable-cli-clobbers-ecx.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun ECX () (_ BitVec 32))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x597 (bvsub ESP (_ bv4 32))))
(let ((?x142 (bvadd ?x597 (_ bv4 32))))
(let (($x720 (and (distinct ?x142 ESP) true)))
(let ((?x444 (bvxor ECX ECX)))
(let (($x996 (and (distinct ECX ?x444) true)))
(let (($x613 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x85 (= VM (_ bv0 1))))
(let (($x139 (= DF (_ bv0 1))))
(and $x139 $x85 (or $x613 $x996 $x720)))))))))))
(check-sat)

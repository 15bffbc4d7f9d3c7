; corpus/history/2.6.24-5.12-x86/x86_64-flush_tlb_single-invlpg.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x384 (bvsub RSP (_ bv8 64))))
(let ((?x341 (bvadd ?x384 (_ bv8 64))))
(let (($x896 (and (distinct ?x341 RSP) true)))
(let (($x494 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x616 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x259 (= TF (_ bv0 1))))
(let (($x397 (= VM (_ bv0 1))))
(let (($x59 (= DF (_ bv0 1))))
(and $x59 $x397 $x259 $x616 (or $x494 $x896)))))))))))
(check-sat)

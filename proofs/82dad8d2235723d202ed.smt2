; corpus/history/2.6.24-5.12-x86/x86_64-flush_tlb_single-invlpg.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x134 (bvsub RSP (_ bv8 64))))
(let ((?x492 (bvadd ?x134 (_ bv8 64))))
(let (($x256 (and (distinct ?x492 RSP) true)))
(let (($x405 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x474 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x199 (= TF (_ bv0 1))))
(let (($x268 (= VM (_ bv0 1))))
(let (($x133 (= DF (_ bv0 1))))
(and $x133 $x268 $x199 $x474 (or $x405 $x256)))))))))))
(check-sat)

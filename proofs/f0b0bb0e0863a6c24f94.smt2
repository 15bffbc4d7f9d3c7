; corpus/history/5.13-altnot/5.13-x86_64-irq_enable-sti.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x227 (bvsub RSP (_ bv8 64))))
(let ((?x791 (bvadd ?x227 (_ bv8 64))))
(let (($x165 (and (distinct ?x791 RSP) true)))
(let (($x350 (and (distinct (_ bv18446744071578845191 64) (_ bv18446744071578845191 64)) true)))
(let (($x360 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x187 (= TF (_ bv0 1))))
(let (($x291 (= VM (_ bv0 1))))
(let (($x1486 (= DF (_ bv0 1))))
(and $x1486 $x291 $x187 $x360 (or $x350 $x165)))))))))))
(check-sat)
